#include "policy/value_from.h"

#include <unordered_set>
#include <vector>

#include "aws/client.h"
#include "aws/protocol_codec.h"
#include "core/file.h"
#include "jmespath/jmespath.h"
#include "policy/value_type.h"

namespace custos::policy {
namespace {

constexpr const char* kFormats = "json, csv, csv2dict, txt";

bool known_format(std::string_view format) {
  return format == "json" || format == "csv" || format == "csv2dict" || format == "txt";
}

// os.path.splitext of the URL's path: the extension without its dot, or "".
std::string extension(std::string_view url) {
  url = url.substr(0, url.find('?'));
  std::string_view base = url.substr(url.rfind('/') + 1);
  std::size_t start = base.find_first_not_of('.');
  std::size_t dot = base.rfind('.');
  if (start == std::string_view::npos || dot == std::string_view::npos || dot < start) return "";
  return std::string(base.substr(dot + 1));
}

bool has_context_keys(const std::string& text) {
  return text.find("{account_id}") != std::string::npos ||
         text.find("{region}") != std::string::npos;
}

// str.format(account_id=..., region=...) as c7n's format_string_values does it: text with any
// other field stays as written.
std::string fill_keys(const std::string& text, const std::string& account_id,
                      const std::string& region) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "{{") == 0 || text.compare(i, 2, "}}") == 0) {
      out += text[i++];
    } else if (text[i] == '{') {
      std::size_t close = text.find('}', i);
      if (close == std::string::npos) return text;
      std::string field = text.substr(i + 1, close - i - 1);
      if (field != "account_id" && field != "region") return text;
      out += field == "region" ? region : account_id;
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

Json search(const Json& expr, const Json& data) {
  return jmespath::Expression::compile(expr.get<std::string>()).search(data);
}

// Python's set(): without repeats, in first-seen order.
Json unique(const Json& items) {
  Json out = Json::array();
  std::unordered_set<std::string> seen;
  for (const Json& item : items) {
    // Python's set treats 1, 1.0 and True as one element.
    double number = item.is_boolean()  ? item.get<bool>()
                    : item.is_number() ? item.get<double>()
                                       : 0;
    std::string key = item.is_number() || item.is_boolean() ? Json(number).dump() : item.dump();
    if (seen.insert(key).second) out.push_back(item);
  }
  return out;
}

// A list result becomes a set, as in c7n's _get_resource_values.
Json narrowed(const Json& expr, const Json& data) {
  Json result = search(expr, data);
  return result.is_array() ? unique(result) : result;
}

using Rows = std::vector<std::vector<std::string>>;

// Python's csv.reader with the excel dialect: commas, double quotes ("" inside quotes is a
// quote), \n, \r or \r\n between rows; an empty line is an empty row.
Rows read_csv(std::string_view text) {
  Rows rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, in_field = false;
  auto end_field = [&] {
    row.push_back(std::move(field));
    field.clear();
    in_field = false;
  };
  auto end_row = [&] {
    if (in_field || !row.empty()) end_field();
    rows.push_back(std::move(row));
    row.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += text[++i];
      } else {
        quoted = false;
      }
    } else if (c == '"' && !in_field) {
      quoted = in_field = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
    } else {
      field += c;
      in_field = true;
    }
  }
  if (quoted) throw InputError("unexpected end of data inside a quoted csv field");
  if (in_field || !row.empty()) end_row();
  return rows;
}

Json csv_values(const Rows& rows, const Json& expr) {
  if (expr.is_number_integer()) {
    Json column = Json::array();
    auto index = expr.get<long long>();
    for (std::size_t r = 0; r < rows.size(); ++r) {
      auto size = static_cast<long long>(rows[r].size());
      long long i = index < 0 ? index + size : index;
      if (i < 0 || i >= size)
        throw InputError("csv row " + std::to_string(r + 1) + " has no column " +
                         std::to_string(index));
      column.push_back(rows[r][i]);
    }
    return unique(column);
  }
  Json data = rows;
  if (!expr.is_null()) return narrowed(expr, data);
  Json cells = Json::array();
  for (const auto& row : rows)
    for (const auto& cell : row) cells.push_back(cell);
  return unique(cells);
}

// {header: [the rest of its column]}; zip() stops at the shortest row.
Json csv2dict_values(const Rows& rows, const Json& expr) {
  std::size_t columns = rows.empty() ? 0 : rows[0].size();
  for (const auto& row : rows) columns = std::min(columns, row.size());
  Json data = Json::object();
  for (std::size_t c = 0; c < columns; ++c) {
    Json rest = Json::array();
    for (std::size_t r = 1; r < rows.size(); ++r) rest.push_back(rows[r][c]);
    data[rows[0][c]] = std::move(rest);
  }
  if (!expr.is_null()) return narrowed(expr, data);
  Json cells = Json::array();
  for (const auto& [header, rest] : data.items())
    for (const Json& cell : rest) cells.push_back(cell);
  return unique(cells);
}

Json txt_values(std::string_view text) {
  Json lines = Json::array();
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    lines.push_back(std::string(value_type::strip(text.substr(0, end))));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return unique(lines);
}

std::string local_path(const std::string& url) {
  return url.rfind("file://", 0) == 0 ? url.substr(7) : url;
}

}  // namespace

Json parse_values(std::string_view contents, std::string_view format, const Json& expr) {
  if (format == "txt") return txt_values(contents);
  if (format == "csv") return csv_values(read_csv(contents), expr);
  if (format == "csv2dict") return csv2dict_values(read_csv(contents), expr);
  Json data;
  try {
    data = Json::parse(contents);
  } catch (const Json::exception& e) {  // bad syntax, or a number beyond a double
    throw InputError(std::string("invalid JSON: ") + e.what());
  }
  return expr.is_null() ? data : narrowed(expr, data);
}

ValuesFrom::ValuesFrom(const Spec& spec) {
  if (!spec.value().is_object())
    spec.fail("write value_from as {url: ..., format: ..., expr: ...}, not " +
              json_type_name(spec.value()));
  spec.allow_keys({"url", "format", "expr"}, "value_from");
  if (!spec.has("url")) spec.fail("value_from needs a 'url' (a local file or s3://BUCKET/KEY)");
  Spec url_spec = spec.child("url");
  url_ = spec.optional_string("url");
  if (url_.find("://") != std::string::npos && !remote() && url_.rfind("file://", 0) != 0)
    url_spec.fail("value_from reads local files and s3:// URLs, not '" + url_ + "'");
  format_ = spec.optional_string("format", extension(url_));
  // No extension and no format: Cloud Custodian accepts it and refuses on use (get_contents'
  // "Unsupported format"); custos too, and reads nothing until then.
  const bool untold = format_.empty() && !spec.has("format");
  if (!untold && !known_format(format_)) {
    (spec.has("format") ? spec.child("format") : url_spec)
        .fail("value_from format '" + format_ + "' is not one of " + kFormats +
              (spec.has("format") ? "" : " (name it with 'format')"));
  }
  if (spec.has("expr")) {
    Spec expr_spec = spec.child("expr");
    expr_ = expr_spec.value();
    if (expr_.is_number_integer() && !untold && format_ != "csv")
      expr_spec.fail("a column number as expr needs format csv, not " + format_);
    if (!expr_.is_number_integer() && !expr_.is_string())
      expr_spec.fail("expr must be a JMESPath string or a csv column number, not " +
                     json_type_name(expr_));
    if (expr_.is_string() && !has_context_keys(expr_.get<std::string>())) {
      try {
        jmespath::Expression::compile(expr_.get<std::string>());
      } catch (const jmespath::Error& e) {
        expr_spec.fail("invalid expr '" + expr_.get<std::string>() + "': " + e.what());
      }
    }
  }
  if (remote() || untold) return;
  for (const auto& [key, text] : {std::pair{"url", url_}, {"expr", expr_.dump()}}) {
    if (has_context_keys(text))
      spec.child(key).fail(
          "value_from fills in {account_id} and {region} only for s3:// URLs (a local file is "
          "read when the policy is compiled)");
  }
  std::string path = local_path(url_);
  auto contents = read_file(path);
  if (!contents) url_spec.fail("value_from cannot read '" + path + "': check the path");
  try {
    values_ = parse_values(*contents, format_, expr_);
  } catch (const InputError& e) {
    url_spec.fail("value_from '" + path + "': " + e.what());
  }
}

const Json& ValuesFrom::values(const aws::Client* client) const {
  std::lock_guard lock(mutex_);
  if (values_) return *values_;
  if (format_.empty())
    throw Error("value_from " + url_ +
                ": cannot tell its format (the url has no extension): name it with 'format' (" +
                kFormats + ")");
  if (!client)
    throw Error("value_from " + url_ +
                ": reading from S3 needs AWS access, and this filter ran without a client");
  values_ = fetch_s3(*client);
  return *values_;
}

Json ValuesFrom::fetch_s3(const aws::Client& client) const {
  std::string region, account_id;
  std::string expr_text = expr_.is_string() ? expr_.get<std::string>() : "";
  if (has_context_keys(url_) || has_context_keys(expr_text)) {
    region = client.session().region();
    account_id = client.call("sts", "GetCallerIdentity").value("Account", "");
  }
  std::string url = fill_keys(url_, account_id, region);
  Json expr = expr_.is_string() ? Json(fill_keys(expr_text, account_id, region)) : expr_;
  std::string location = url.substr(5);
  std::string query;
  if (auto mark = location.find('?'); mark != std::string::npos) {
    query = location.substr(mark + 1);
    location.resize(mark);
  }
  std::size_t slash = location.find('/');
  Json params = {{"Bucket", location.substr(0, slash)},
                 {"Key", slash == std::string::npos ? "" : location.substr(slash + 1)}};
  for (std::size_t start = 0; start < query.size();) {
    std::size_t end = std::min(query.find('&', start), query.size());
    std::string pair = query.substr(start, end - start);
    std::size_t eq = pair.find('=');
    if (eq != std::string::npos)
      params[aws::codec::percent_decode(pair.substr(0, eq))] =
          aws::codec::percent_decode(pair.substr(eq + 1));
    start = end + 1;
  }
  try {
    Json object = client.call("s3", "GetObject", params);
    std::string body = aws::codec::base64_decode(object.value("Body", ""));
    return parse_values(body, format_, expr);
  } catch (const Error& e) {
    throw Error("value_from cannot use " + url + ": " + e.what());
  }
}

}  // namespace custos::policy
