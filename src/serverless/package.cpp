#include "serverless/package.h"

#include <elf.h>
#include <link.h>

#include <cstring>
#include <filesystem>
#include <map>

#include "aws/model.h"
#include "aws/transport.h"
#include "core/error.h"
#include "core/file.h"
#include "resources/builtin.h"
#include "serverless/zip.h"

namespace custos::serverless {
namespace {

// Started by Lambda as the function's entry point. Amazon Linux 2023's glibc (2.34) is older
// than the Debian 12 glibc (2.36) custos is built with, so custos runs on the libraries it was
// built with, through their own dynamic loader.
constexpr const char* kBootstrap = R"(#!/bin/sh
# custos as an AWS Lambda custom runtime (provided.al2023): custos runs on the Debian 12
# libraries it was built with, shipped in lib/ with their dynamic loader (docs/deploy.md).
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
root=${LAMBDA_TASK_ROOT:-$here}
export CUSTOS_BOTOCORE_DATA="$root/botocore"
if [ -z "$AWS_CA_BUNDLE" ] && [ ! -e /etc/ssl/certs/ca-certificates.crt ] &&
   [ -e /etc/pki/tls/certs/ca-bundle.crt ]; then
  export AWS_CA_BUNDLE=/etc/pki/tls/certs/ca-bundle.crt
fi
exec "$root/lib/ld-linux-x86-64.so.2" --library-path "$root/lib" "$root/bin/custos" \
  lambda --policies "$root/policies" "$@"
)";

// IAM action prefixes whose botocore service has another name.
const std::map<std::string, std::string, std::less<>> kServiceOfPrefix = {
    {"tag", "resourcegroupstaggingapi"},
    {"elasticloadbalancing", "elbv2"},
    {"states", "stepfunctions"},
    {"monitoring", "cloudwatch"},
};

std::string checked_read(const std::string& path, const std::string& what) {
  auto text = read_file(path);
  if (!text) throw Error("cannot read " + what + " " + path);
  return *text;
}

// The executable without what only debuggers read (section headers, symbols, debug info):
// everything after the last segment the loader maps. A build with debug info is ~30 times
// larger than the code it runs.
std::string loadable_part(std::string elf) {
  Elf64_Ehdr header;
  if (elf.size() < sizeof header || std::memcmp(elf.data(), ELFMAG, SELFMAG) != 0 ||
      elf[EI_CLASS] != ELFCLASS64)
    throw Error("the custos executable is not a 64-bit ELF file");
  std::memcpy(&header, elf.data(), sizeof header);
  std::size_t end = header.e_phoff + std::size_t(header.e_phnum) * header.e_phentsize;
  for (int i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, elf.data() + header.e_phoff + std::size_t(i) * header.e_phentsize,
                sizeof segment);
    end = std::max<std::size_t>(end, segment.p_offset + segment.p_filesz);
  }
  if (end > elf.size()) throw Error("the custos executable is truncated");
  elf.resize(end);
  header.e_shoff = 0;
  header.e_shnum = 0;
  header.e_shstrndx = SHN_UNDEF;
  std::memcpy(elf.data(), &header, sizeof header);
  return elf;
}

// The shared objects this process runs with, by the name the loader looks for (the soname it
// opened, "libcurl.so.4"), the loader itself included.
std::map<std::string, std::string> loaded_libraries() {
  std::map<std::string, std::string> found;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) {
        std::string path = info->dlpi_name ? info->dlpi_name : "";
        if (path.starts_with("/"))  // not the executable (""), nor the vDSO
          (*static_cast<std::map<std::string, std::string>*>(
              out))[std::filesystem::path(path).filename().string()] = path;
        return 0;
      },
      &found);
  return found;
}

std::string policies_index(const std::map<std::string, std::string>& file_of) {
  Json index = Json::object();
  for (const auto& [name, file] : file_of) index[name] = file;
  return index.dump(1);
}

}  // namespace

std::set<std::string> services_of(const std::vector<policy::Policy>& policies) {
  std::set<std::string> services = {"sts", "s3"};
  for (const auto& p : policies) {
    for (const auto& action : policy::permissions_of(p, resources::builtin_registry())) {
      std::string prefix = action.substr(0, action.find(':'));
      auto renamed = kServiceOfPrefix.find(prefix);
      services.insert(renamed == kServiceOfPrefix.end() ? prefix : renamed->second);
    }
  }
  return services;
}

Package build_package(const PackageOptions& options) {
  Package package;
  ZipWriter zip;
  auto add = [&](const std::string& name, const std::string& data, unsigned mode = 0644) {
    zip.add(name, data, mode);
    ++package.files;
    package.unpacked_bytes += data.size();
  };
  add("bootstrap", kBootstrap, 0755);

  std::vector<policy::Policy> all;
  std::map<std::string, std::string> file_of;  // policy name -> file in policies/
  for (const auto& path : options.policy_files) {
    auto source = policy::SourceDocument::load_file(path);
    std::string file = std::filesystem::path(path).filename().string();
    for (auto& p : policy::compile_policies(source, resources::builtin_registry())) {
      if (!file_of.emplace(p.name, file).second)
        throw InputError(path + ": a second policy named '" + p.name +
                         "' (a function runs one policy, named by its handler: names must be "
                         "unique across the files)");
      package.policies.push_back(p.name);
      all.push_back(std::move(p));
    }
    add("policies/" + file, checked_read(path, "policy file"));
  }
  add("policies/index.json", policies_index(file_of));

  add("bin/custos", loadable_part(checked_read("/proc/self/exe", "the custos executable")), 0755);
  aws::load_http_library();  // opened at the first request, it must be shipped all the same
  for (const auto& [name, path] : loaded_libraries())
    add("lib/" + name, checked_read(path, "shared library"), 0755);

  package.services = services_of(all);
  package.services.insert(options.extra_services.begin(), options.extra_services.end());
  const std::string data = aws::botocore_data_dir();
  add("botocore/endpoints.json", checked_read(data + "/endpoints.json", "botocore's"));
  for (const auto& service : package.services) {
    std::shared_ptr<const aws::ServiceModel> model;
    try {
      model = aws::ServiceModel::load(service);
    } catch (const Error& e) {
      throw InputError("the policies call " + service + ", of which custos has no model (" +
                       e.what() + ")");
    }
    std::filesystem::path folder = model->data_folder();
    std::string inside = "botocore/" + service + "/" + folder.filename().string() + "/";
    add(inside + "service-2.json", checked_read(folder / "service-2.json", "botocore's"));
    if (auto paginators = read_file(folder / "paginators-1.json"))
      add(inside + "paginators-1.json", *paginators);
  }
  package.zip = zip.finish();
  return package;
}

std::string find_policy_file(const std::string& folder, const std::string& policy_name) {
  auto text = read_file(folder + "/index.json");
  if (!text)
    throw InputError("no policies/index.json in " + folder + ": package with custos package");
  Json index = Json::parse(*text);
  if (!index.contains(policy_name))
    throw InputError("the package has no policy '" + policy_name + "' (the function's handler)");
  return folder + "/" + index[policy_name].get<std::string>();
}

}  // namespace custos::serverless
