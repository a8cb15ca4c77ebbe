// botocore's service models (service-2.json) loaded for use at run time: the one published
// description of every AWS operation, its input/output shapes and wire protocol.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace custos::aws {

struct Shape;

// A reference from a structure member (or list member, map key/value) to a shape,
// with the serialization traits botocore keeps on the reference.
struct ShapeRef {
  const Shape* shape = nullptr;
  std::string location;       // "", "header", "headers", "querystring", "uri", "statusCode"
  std::string location_name;  // wire name when it differs from the member name
  std::string query_name;     // ec2 protocol's queryName
  std::string xml_namespace_uri;
  std::string xml_namespace_prefix;
  bool xml_attribute = false;
  bool flattened = false;
  bool streaming = false;  // payload blob/string streamed as the raw body
  bool host_label = false;
  bool idempotency_token = false;
  bool json_value = false;                      // jsonvalue: header holding base64 JSON
  std::optional<std::string> timestamp_format;  // member-level override
};

struct Shape {
  std::string name;
  std::string type;  // structure, list, map, string, integer, long, float, double, boolean,
                     // timestamp, blob
  std::vector<std::pair<std::string, ShapeRef>> members;  // structure members, model order
  std::vector<std::string> required;
  ShapeRef member;            // list
  ShapeRef key, value;        // map
  bool flattened = false;     // list/map
  std::string location_name;  // list member / map entry wrapper names (shape level)
  std::string payload;        // structure: member sent as the HTTP body
  std::optional<std::string> timestamp_format;
  std::string xml_namespace_uri;
  std::string xml_namespace_prefix;
  bool exception = false;
  std::string error_code;  // error.code when it differs from the shape name
  int error_http_status = 0;
  // The "retryable" trait: AWS says this error is transient (or throttling) and worth retrying.
  bool retryable = false;
  bool retryable_throttling = false;
  bool sensitive = false;
  bool is_union = false;
  bool document = false;

  const ShapeRef* find_member(std::string_view name) const;
};

struct Operation {
  std::string name;
  std::string http_method = "POST";
  std::string request_uri = "/";
  int response_code = 200;
  ShapeRef input;              // shape == nullptr when the operation takes no input
  ShapeRef output;             // shape == nullptr when it returns nothing
  std::string result_wrapper;  // query protocol: <OperationResult> element name
  std::vector<const Shape*> errors;
  bool host_prefix_set = false;
  std::string host_prefix;
  // The service requires a checksum of the body (httpChecksumRequired, or httpChecksum's
  // requestChecksumRequired: S3's DeleteObjects, PutBucketLifecycleConfiguration...): custos
  // sends Content-MD5.
  bool checksum_required = false;
};

struct ServiceMetadata {
  std::string protocol;  // query, ec2, json, rest-json, rest-xml
  std::string api_version;
  std::string endpoint_prefix;
  std::string signing_name;
  std::string service_id;
  std::string target_prefix;  // json protocol: X-Amz-Target prefix
  std::string json_version;   // "1.0" or "1.1"
  std::string global_endpoint;
  std::string timestamp_format;
  std::string xml_namespace;
  std::string signature_version;
};

class ServiceModel {
 public:
  // The newest API version of `service` (its botocore folder name, e.g. "ec2", "sts") from
  // the botocore data folder; loaded once per process and shared. Throws custos::InputError
  // (naming close service names) when there is no such service, custos::Error when unreadable.
  static std::shared_ptr<const ServiceModel> load(std::string_view service);
  // A model from the text of a service-2.json (or any document with metadata/operations/shapes).
  static std::shared_ptr<const ServiceModel> parse(std::string_view service_name,
                                                   std::string_view json_text);

  const std::string& service_name() const { return service_name_; }
  const ServiceMetadata& metadata() const { return metadata_; }
  // Throws custos::InputError naming the service and close operation names when unknown.
  const Operation& operation(std::string_view name) const;
  const Operation* find_operation(std::string_view name) const;
  const Shape* find_shape(std::string_view name) const;
  // The exception shape for an error code (its error.code or its name); nullptr if unmodeled.
  const Shape* find_error_shape(std::string_view code) const;
  // Operation names, sorted (for help and "did you mean" messages).
  std::vector<std::string> operation_names() const;
  // The folder of botocore's data holding this model's files (paginators-1.json, ...): the
  // API version folder load() read; empty for a model from parse().
  const std::string& data_folder() const { return data_folder_; }

  ServiceModel(const ServiceModel&) = delete;
  ServiceModel& operator=(const ServiceModel&) = delete;
  ~ServiceModel();

 private:
  // Operations and shapes are built from the parsed JSON when first asked for (a run uses a
  // handful of EC2's 600 operations); what is built stays where it is, so references last.
  struct Source;
  friend class ModelBuilder;
  ServiceModel();

  std::string service_name_;
  std::string data_folder_;
  ServiceMetadata metadata_;
  std::unique_ptr<Source> source_;
};

// Folder holding botocore's data: CUSTOS_BOTOCORE_DATA or the build-time default.
std::string botocore_data_dir();

}  // namespace custos::aws
