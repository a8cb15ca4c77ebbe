// The credential chain behind Session::credentials(): botocore's providers in botocore's order,
// over ~/.aws/config and ~/.aws/credentials merged into profiles as botocore merges them.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/config.h"
#include "aws/ini.h"

namespace custos::aws {

// An environment variable; empty counts as unset.
std::optional<std::string> env_var(const char* name);

// A value and where it was set ("AWS_PROFILE", "region of profile 'x'"), for messages.
struct Setting {
  std::string value;
  std::string origin;
};

// The two shared files: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, or their defaults.
struct SharedFiles {
  struct File {
    std::string path;
    std::string display;  // as messages show it: ~/.aws/config
    std::optional<IniFile> ini;
  };
  File config;
  File credentials;

  // Throws custos::InputError naming file and line when one is malformed.
  static SharedFiles read();
};

// One profile's sections; a key of the credentials file wins, as in botocore's merged profile.
struct Profile {
  std::string name;
  const IniSection* config = nullptr;       // [profile NAME], or [default]
  const IniSection* credentials = nullptr;  // [NAME]

  const std::string* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }
  bool exists() const { return config != nullptr || credentials != nullptr; }
};
Profile find_profile(const SharedFiles& files, std::string_view name);

// Fetches fresh credentials from one source; throws custos::Error naming the source.
using CredentialFetch = std::function<Credentials()>;

struct ChainSettings {
  std::shared_ptr<const SharedFiles> files;
  std::string profile;
  bool use_environment = true;  // false when --profile was given, as in the AWS CLI
  SessionOptions session;       // what the STS clients of role sources are built from
};

struct ResolvedCredentials {
  Credentials credentials;
  CredentialFetch refresh;  // the same source again, for when they near expiry
};

// The first source configured, in the AWS CLI's order: environment, role_arn (AssumeRole),
// web identity, SSO (refused), shared credentials file, credential_process, config file keys,
// container endpoint, EC2 instance metadata. Throws custos::Error listing what was tried when
// no source has credentials, custos::InputError when a source is misconfigured.
ResolvedCredentials resolve_credentials(const ChainSettings& chain);

}  // namespace custos::aws
