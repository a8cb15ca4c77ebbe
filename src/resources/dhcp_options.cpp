// dhcp-options on aws.vpc (Cloud Custodian's DhcpOptionsFilter): VPCs by their DHCP option set's
// domain name, DNS servers and NTP servers, e.g. VPCs whose instances resolve through a server
// that is not Amazon's (a DNS hijack or an exfiltration path).
#include <arpa/inet.h>

#include <algorithm>
#include <map>

#include "aws/client.h"
#include "resources/network_filters.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

constexpr const char* kOptionKeys[] = {"domain-name", "domain-name-servers", "ntp-servers"};

// The third address of an IPv4 network ("10.0.0.0/16" -> "10.0.0.2"): the VPC's resolver.
std::string resolver_of(const std::string& cidr) {
  in_addr address{};
  std::size_t slash = cidr.find('/');
  if (slash == std::string::npos ||
      inet_pton(AF_INET, cidr.substr(0, slash).c_str(), &address) != 1)
    return "";
  int bits = std::stoi(cidr.substr(slash + 1));
  std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  address.s_addr = htonl((ntohl(address.s_addr) & mask) + 2);
  char text[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &address, text, sizeof text) ? text : "";
}

// What the synthetic value "amazon" stands for in a VPC: Amazon's resolver by name, by its
// link-local address, and at the third address of each of the VPC's IPv4 networks.
std::vector<std::string> amazon_dns(const Json& vpc) {
  std::vector<std::string> servers = {"AmazonProvidedDNS", "169.254.169.253"};
  auto add = [&](const Json& cidr) {
    if (!cidr.is_string()) return;
    std::string resolver = resolver_of(cidr.get<std::string>());
    if (!resolver.empty()) servers.push_back(resolver);
  };
  add(vpc.value("CidrBlock", Json()));
  for (const Json& block : vpc.value("CidrBlockAssociationSet", Json::array()))
    if (block.value("/CidrBlockState/State"_json_pointer, "") == "associated")
      add(block.value("CidrBlock", Json()));
  return servers;
}

class DhcpOptions : public policy::AnnotatingFilter {
 public:
  explicit DhcpOptions(const Spec& spec)
      : present_(spec.optional_bool("present", true)),
        all_(spec.one_of("match-operator", {"any", "all"}, "any") == "all") {
    for (const char* key : kOptionKeys) {
      if (!spec.has(key)) continue;
      const Json& value = spec.child(key).value();
      bool strings =
          value.is_string() ||
          (value.is_array() && !value.empty() &&
           std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_string(); }));
      if (!strings)
        spec.child(key).fail("'" + std::string(key) + "' must be a string or a list of strings");
      wanted_.emplace_back(key, value);
    }
    if (wanted_.empty())
      spec.fail("dhcp-options needs one of domain-name, domain-name-servers, ntp-servers");
  }

  bool match(const Json& vpc, const FilterContext& context) const override {
    return matches(vpc, options(vpc, context));
  }

  std::vector<Json> process(std::vector<Json> vpcs, const FilterContext& context) const override {
    std::map<std::string, Json> by_id = describe(vpcs, context);
    std::vector<Json> kept;
    for (Json& vpc : vpcs) {
      auto found = by_id.find(vpc.value("DhcpOptionsId", ""));
      vpc["c7n:DhcpConfiguration"] = found == by_id.end() ? Json::object() : found->second;
      if (matches(vpc, vpc["c7n:DhcpConfiguration"])) kept.push_back(std::move(vpc));
    }
    return kept;
  }
  std::vector<std::string> permissions() const override { return {"ec2:DescribeDhcpOptions"}; }

 private:
  // {option set id: {key: [values]}} for the VPCs' option sets, in one call.
  static std::map<std::string, Json> describe(const std::vector<Json>& vpcs,
                                              const FilterContext& context) {
    Json ids = Json::array();
    for (const Json& vpc : vpcs)
      if (vpc.contains("DhcpOptionsId")) ids.push_back(vpc["DhcpOptionsId"]);
    std::map<std::string, Json> by_id;
    if (ids.empty()) return by_id;
    Json answer = policy::require_client(context, "dhcp-options")
                      .call_all("ec2", "DescribeDhcpOptions",
                                {{"Filters", {{{"Name", "dhcp-options-id"}, {"Values", ids}}}}});
    for (const Json& set : answer.value("DhcpOptions", Json::array())) {
      Json options = Json::object();
      for (const Json& option : set.value("DhcpConfigurations", Json::array())) {
        Json values = Json::array();
        for (const Json& value : option.value("Values", Json::array()))
          values.push_back(value["Value"]);
        options[option.value("Key", "")] = std::move(values);
      }
      by_id[set.value("DhcpOptionsId", "")] = std::move(options);
    }
    return by_id;
  }

  static Json options(const Json& vpc, const FilterContext& context) {
    if (vpc.contains("c7n:DhcpConfiguration")) return vpc["c7n:DhcpConfiguration"];
    auto by_id = describe({vpc}, context);
    auto found = by_id.find(vpc.value("DhcpOptionsId", ""));
    return found == by_id.end() ? Json::object() : found->second;
  }

  // Every key the policy gives holds (Cloud Custodian's loop lets a later "amazon" key
  // overwrite an earlier key's verdict; here each must hold), then `present: false` inverts.
  bool matches(const Json& vpc, const Json& options) const {
    bool found = std::all_of(wanted_.begin(), wanted_.end(), [&](const auto& wanted) {
      return holds(vpc, options.value(wanted.first, Json()), wanted.second);
    });
    return found == present_;
  }

  // A string must be among the values ("amazon": any, or with match-operator all every one, of
  // the values is Amazon's); a list must be the values in any order ("amazon" in it standing
  // for all of Amazon's addresses).
  bool holds(const Json& vpc, const Json& values, const Json& wanted) const {
    if (!values.is_array()) return false;
    std::vector<std::string> have = values;
    if (wanted == "amazon") {
      std::vector<std::string> amazon = amazon_dns(vpc);
      auto is_amazon = [&](const std::string& v) {
        return std::find(amazon.begin(), amazon.end(), v) != amazon.end();
      };
      return all_ ? std::all_of(have.begin(), have.end(), is_amazon)
                  : std::any_of(have.begin(), have.end(), is_amazon);
    }
    if (wanted.is_string()) return std::find(have.begin(), have.end(), wanted) != have.end();
    std::vector<std::string> expected;
    for (const Json& value : wanted) {
      if (value != "amazon") {
        expected.push_back(value);
        continue;
      }
      std::vector<std::string> amazon = amazon_dns(vpc);
      expected.insert(expected.end(), amazon.begin(), amazon.end());
    }
    std::sort(have.begin(), have.end());
    std::sort(expected.begin(), expected.end());
    return have == expected;
  }

  std::vector<std::pair<std::string, Json>> wanted_;
  bool present_, all_;
};

}  // namespace

void register_dhcp_options_filter(policy::Registry& registry) {
  registry.add_filter(
      "aws.vpc", "dhcp-options",
      policy::filter_info<DhcpOptions>(
          {"domain-name", "domain-name-servers", "ntp-servers", "present", "match-operator"},
          "VPCs by their DHCP options: a string among the values, a list equal to them; "
          "\"amazon\" stands for Amazon's DNS (match-operator any or all); present: false inverts",
          {"ec2:DescribeDhcpOptions"}));
}

}  // namespace custos::resources
