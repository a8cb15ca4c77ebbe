// disable, set-attributes (and set-protocols) on aws.distribution and aws.streaming-distribution
// (Cloud Custodian's DistributionDisableAction, DistributionUpdateAction and their streaming
// twins): the configuration read with its ETag, changed, and written back with it. A configuration
// already so is left alone; the undo writes the old one back with the new ETag, so it fails
// rather than overwrite a change made since.
#include <algorithm>
#include <optional>

#include "aws/client.h"
#include "policy/action.h"
#include "policy/shape_check.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

// "Distribution" or "StreamingDistribution": the operations and members follow from it.
struct ConfigKind {
  std::string noun;
  std::string config() const { return noun + "Config"; }
};

ConfigKind kind_of(const policy::BuildContext& context) {
  return {context.resource.name == "aws.streaming-distribution" ? "StreamingDistribution"
                                                                : "Distribution"};
}

class ConfigUpdate : public policy::PerResourceAction {
 public:
  ConfigUpdate(std::string name, const policy::BuildContext& context)
      : PerResourceAction(std::move(name)), kind_(kind_of(context)) {}

 protected:
  // The wanted configuration.
  virtual Json changed(Json config) const = 0;
  // The check's JMESPath over Get<Kind>Config's answer once the change holds.
  virtual std::string expect() const = 0;
  const ConfigKind& kind() const { return kind_; }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const std::string id = context.id_of(resource);
    const aws::Client client = context.client_for(resource);
    Json current = client.call("cloudfront", "Get" + kind_.config(), {{"Id", id}});
    const Json before = current.value(kind_.config(), Json::object());
    Json after = changed(before);
    if (after == before) return ActionRecord::unchanged(name(), id, "its configuration is so");
    Json answer =
        client.call("cloudfront", "Update" + kind_.noun,
                    {{"Id", id}, {"IfMatch", current.value("ETag", "")}, {kind_.config(), after}});
    ActionRecord record{name(), id};
    record.before = before;
    record.after = after;
    record.summary = name() + " " + id + " (Update" + kind_.noun + ")";
    const std::string& region = client.session().region();
    record.undo = Json::array({policy::undo_call(
        "cloudfront", "Update" + kind_.noun,
        {{"Id", id}, {"IfMatch", answer.value("ETag", "")}, {kind_.config(), before}}, region)});
    record.check =
        policy::check_call("cloudfront", "Get" + kind_.config(), {{"Id", id}}, expect(), region);
    return record;
  }

  ConfigKind kind_;
};

class Disable : public ConfigUpdate {
 public:
  Disable(const Spec&, const policy::BuildContext& context) : ConfigUpdate("disable", context) {}

 private:
  Json changed(Json config) const override {
    config["Enabled"] = false;
    return config;
  }
  std::string expect() const override { return kind().config() + ".Enabled == `false`"; }
};

// set-attributes: `attributes` merged into the configuration (a streaming distribution's
// replace its top-level members whole, as Cloud Custodian's), checked against the update's
// input shape when the policy loads.
class SetAttributes : public ConfigUpdate {
 public:
  SetAttributes(const Spec& spec, const policy::BuildContext& context)
      : ConfigUpdate("set-attributes", context) {
    if (!spec.has("attributes") || !spec.value()["attributes"].is_object())
      spec.fail("set-attributes needs attributes: a mapping of the " + kind().config() + " to set");
    attributes_ = spec.value()["attributes"];
    if (attributes_.contains("CallerReference"))
      spec.child("attributes")
          .child("CallerReference")
          .at_key()
          .fail("CallerReference cannot be updated");
    policy::check_given_members(spec.child("attributes"), "cloudfront", "Update" + kind().noun,
                                {{kind().config(), attributes_}});
  }

 private:
  Json changed(Json config) const override {
    if (kind().noun == "StreamingDistribution")
      config.update(attributes_);
    else
      config = merged(std::move(config), attributes_);
    return config;
  }
  // The attributes that are not mappings (what AWS fills in around a mapping is not written).
  std::string expect() const override {
    std::string expect;
    for (const auto& [key, value] : attributes_.items())
      if (!value.is_object())
        expect += (expect.empty() ? "" : " && ") + kind().config() + "." + key +
                  " == " + policy::jmespath_literal(value);
    return expect.empty() ? "`true`" : expect;
  }

  Json attributes_;
};

// set-protocols (Cloud Custodian's DistributionSSLAction): ViewerProtocolPolicy on the default
// and every cache behavior, OriginProtocolPolicy and OriginSslProtocols on every custom origin;
// an option not given leaves that member as it is.
class SetProtocols : public ConfigUpdate {
 public:
  SetProtocols(const Spec& spec, const policy::BuildContext& context)
      : ConfigUpdate("set-protocols", context) {
    if (spec.has("ViewerProtocolPolicy"))
      viewer_ =
          spec.one_of("ViewerProtocolPolicy", {"allow-all", "https-only", "redirect-to-https"});
    if (spec.has("OriginProtocolPolicy"))
      origin_ = spec.one_of("OriginProtocolPolicy", {"http-only", "match-viewer", "https-only"});
    if (spec.has("OriginSslProtocols")) {
      ssl_ = spec.string_list("OriginSslProtocols");
      const std::vector<std::string> known = {"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"};
      for (std::size_t i = 0; i < ssl_->size(); ++i)
        if (std::find(known.begin(), known.end(), (*ssl_)[i]) == known.end())
          spec.child("OriginSslProtocols")
              .element(i)
              .fail("'" + (*ssl_)[i] + "' is not one of SSLv3, TLSv1, TLSv1.1, TLSv1.2");
    }
  }

 private:
  Json changed(Json config) const override {
    if (viewer_) {
      if (config.contains("CacheBehaviors") && config["CacheBehaviors"].contains("Items"))
        for (Json& item : config["CacheBehaviors"]["Items"])
          item["ViewerProtocolPolicy"] = *viewer_;
      if (config.contains("DefaultCacheBehavior"))
        config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = *viewer_;
    }
    if (config.contains("Origins") && config["Origins"].contains("Items"))
      for (Json& item : config["Origins"]["Items"]) {
        if (!item.contains("CustomOriginConfig") || !item["CustomOriginConfig"].is_object())
          continue;
        Json& custom = item["CustomOriginConfig"];
        if (origin_) custom["OriginProtocolPolicy"] = *origin_;
        if (ssl_) custom["OriginSslProtocols"] = {{"Quantity", ssl_->size()}, {"Items", *ssl_}};
      }
    return config;
  }
  std::string expect() const override {
    std::string expect;
    auto add = [&](const std::string& term) { expect += (expect.empty() ? "" : " && ") + term; };
    if (viewer_) {
      const std::string value = policy::jmespath_literal(*viewer_);
      add(kind().config() + ".DefaultCacheBehavior.ViewerProtocolPolicy == " + value);
      add("length(" + kind().config() + ".CacheBehaviors.Items[?ViewerProtocolPolicy != " + value +
          "] || `[]`) == `0`");
    }
    if (origin_)
      add("length(" + kind().config() +
          ".Origins.Items[?CustomOriginConfig && CustomOriginConfig.OriginProtocolPolicy != " +
          policy::jmespath_literal(*origin_) + "] || `[]`) == `0`");
    if (ssl_)
      add("length(" + kind().config() +
          ".Origins.Items[?CustomOriginConfig && CustomOriginConfig.OriginSslProtocols.Items != " +
          policy::jmespath_literal(*ssl_) + "] || `[]`) == `0`");
    return expect.empty() ? "`true`" : expect;
  }

  std::optional<std::string> viewer_, origin_;
  std::optional<std::vector<std::string>> ssl_;
};

}  // namespace

void register_cloudfront_config(policy::Registry& registry) {
  for (const std::string noun : {"Distribution", "StreamingDistribution"}) {
    const std::string type =
        noun == "Distribution" ? "aws.distribution" : "aws.streaming-distribution";
    const std::vector<std::string> permissions = {"cloudfront:Get" + noun + "Config",
                                                  "cloudfront:Update" + noun};
    registry.add_action(
        type, "disable",
        policy::action_info<Disable>(
            {}, permissions,
            "Disable it (Enabled: false in its configuration, written back with its ETag)"));
    registry.add_action(type, "set-attributes",
                        policy::action_info<SetAttributes>(
                            {"attributes"}, permissions,
                            "Merge `attributes` into its configuration (Logging, Comment, ...), "
                            "written back with its ETag"));
    if (noun == "Distribution")
      registry.add_action(
          type, "set-protocols",
          policy::action_info<SetProtocols>(
              {"ViewerProtocolPolicy", "OriginProtocolPolicy", "OriginSslProtocols"}, permissions,
              "Set ViewerProtocolPolicy on every cache behavior, OriginProtocolPolicy and "
              "OriginSslProtocols on every custom origin, written back with its ETag"));
  }
}

}  // namespace custos::resources
