// 100,000-style sets of EC2 instance documents shaped like a real DescribeInstances response
// (ids, states, addresses and tags varied), made one at a time, the same for every benchmark.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/file.h"
#include "core/json.h"

namespace custos::bench {

// placebo records datetimes as {"__class__": "datetime", "year": ...}; boto3's JSON (and
// Cloud Custodian's resources.json) has ISO strings.
inline void iso_dates(Json& value) {
  if (value.is_object() && value.value("__class__", "") == "datetime") {
    value =
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00", value["year"].get<int>(),
                    value["month"].get<int>(), value["day"].get<int>(), value["hour"].get<int>(),
                    value["minute"].get<int>(), value["second"].get<int>());
    return;
  }
  if (value.is_structured())
    for (Json& child : value) iso_dates(child);
}

inline Json recorded_instance() {
  auto text = custos::read_file(std::string(CUSTOS_SOURCE_DIR) +
                                "/tests/data/responses/cloud-custodian-placebo/"
                                "test_ec2_ssm_inventory_filter__ec2.DescribeInstances_1.json");
  if (!text) throw std::runtime_error("recorded DescribeInstances response not found");
  Json instance = Json::parse(*text)["data"]["Reservations"][0]["Instances"][0];
  iso_dates(instance);
  return instance;
}

// The recorded instance with the i-th set of varied fields, i = 0, 1, ... in turn.
class Ec2Documents {
 public:
  Json next() {
    const std::pair<int, const char*> states[] = {
        {16, "running"}, {16, "running"}, {16, "running"},  {80, "stopped"},
        {80, "stopped"}, {0, "pending"},  {64, "stopping"}, {48, "terminated"}};
    const char* const roles[] = {"web", "api", "db", "batch", "cache", "worker"};
    const char* const environments[] = {"prod", "staging", "dev"};
    const std::size_t i = count_++;
    Json instance = recorded_;
    std::uint64_t r = random_();
    instance["InstanceId"] = fmt::format("i-{:017x}", r & 0xfffffffffffffffULL);
    auto [code, name] = states[r % 8];
    instance["State"] = {{"Code", code}, {"Name", name}};
    std::string ip = fmt::format("10.{}.{}.{}", (r >> 8) % 256, (r >> 16) % 256, (r >> 24) % 256);
    std::string dns = "ip-" + ip + ".ec2.internal";
    std::replace(dns.begin(), dns.end(), '.', '-');
    instance["PrivateIpAddress"] = ip;
    instance["PrivateDnsName"] = dns;
    instance["NetworkInterfaces"][0]["PrivateIpAddress"] = ip;
    instance["NetworkInterfaces"][0]["PrivateDnsName"] = dns;
    Json tags = Json::array();
    tags.push_back({{"Key", "Name"}, {"Value", fmt::format("{}-{}", roles[(r >> 32) % 6], i)}});
    tags.push_back({{"Key", "Environment"}, {"Value", environments[(r >> 40) % 3]}});
    tags.push_back({{"Key", "Owner"}, {"Value", fmt::format("team-{}", (r >> 44) % 20)}});
    if ((r >> 50) % 2) tags.push_back({{"Key", "custodian"}, {"Value", ""}});
    instance["Tags"] = std::move(tags);
    return instance;
  }

 private:
  const Json recorded_ = recorded_instance();
  std::mt19937_64 random_{42};
  std::size_t count_ = 0;
};

inline std::vector<Json> make_instances(std::size_t count) {
  Ec2Documents documents;
  std::vector<Json> instances;
  instances.reserve(count);
  for (std::size_t i = 0; i < count; ++i) instances.push_back(documents.next());
  return instances;
}

}  // namespace custos::bench
