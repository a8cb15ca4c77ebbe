#include "policy/value_filter.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>
#include <optional>
#include <vector>

#include "policy/core_filters.h"
#include "policy/registry.h"
#include "policy/stored_value.h"
#include "policy/value_from.h"
#include "policy/value_type.h"
#include "policy/value_type_python.h"

namespace custos::policy {
namespace {

namespace vt = value_type;
using vt::Kind;

enum class Op {
  kNone,
  kEq,
  kNe,
  kGt,
  kGe,
  kLt,
  kLe,
  kGlob,
  kRegex,
  kRegexCase,
  kIn,
  kNotIn,
  kContains,
  kDifference,
  kIntersect,
  kMod
};

struct OpName {
  const char* name;
  Op op;
};
constexpr OpName kOps[] = {{"eq", Op::kEq},
                           {"equal", Op::kEq},
                           {"ne", Op::kNe},
                           {"not-equal", Op::kNe},
                           {"gt", Op::kGt},
                           {"greater-than", Op::kGt},
                           {"ge", Op::kGe},
                           {"gte", Op::kGe},
                           {"lt", Op::kLt},
                           {"less-than", Op::kLt},
                           {"le", Op::kLe},
                           {"lte", Op::kLe},
                           {"glob", Op::kGlob},
                           {"regex", Op::kRegex},
                           {"regex-case", Op::kRegexCase},
                           {"in", Op::kIn},
                           {"ni", Op::kNotIn},
                           {"not-in", Op::kNotIn},
                           {"contains", Op::kContains},
                           {"difference", Op::kDifference},
                           {"intersect", Op::kIntersect},
                           {"mod", Op::kMod}};

std::optional<Op> parse_op(const std::string& name) {
  for (const auto& entry : kOps)
    if (name == entry.name) return entry.op;
  return std::nullopt;
}

std::string known_ops();

Op op_from(const Spec& op_spec, const std::string& name) {
  if (name.empty()) return Op::kNone;
  auto op = parse_op(name);
  if (!op) op_spec.fail("unknown operator '" + name + "' (known: " + known_ops() + ")");
  return *op;
}

std::string known_ops() {
  std::string known;
  for (const auto& entry : kOps) known += (known.empty() ? "" : ", ") + std::string(entry.name);
  return known;
}

// The value strings that win over the operator in ValueFilter.match.
enum class Special { kNone, kAbsent, kPresent, kNotNull, kEmpty };

Special special_of(const Json* v) {
  if (!v || !v->is_string()) return Special::kNone;
  const auto& s = v->get_ref<const std::string&>();
  if (s == "absent") return Special::kAbsent;
  if (s == "present") return Special::kPresent;
  if (s == "not-null") return Special::kNotNull;
  if (s == "empty") return Special::kEmpty;
  return Special::kNone;
}

bool is_string(const Json* v) { return v && v->is_string(); }
const std::string& as_text(const Json* v) { return v->get_ref<const std::string&>(); }

bool none_equal(const Json* r, const Json* v) {
  if (python::is_none(r) || python::is_none(v)) return python::is_none(r) && python::is_none(v);
  return python::equal(*r, *v);
}

bool ordered(Op op, std::optional<int> order) {
  if (!order) return false;
  switch (op) {
    case Op::kGt:
      return *order > 0;
    case Op::kGe:
      return *order >= 0;
    case Op::kLt:
      return *order < 0;
    default:
      return *order <= 0;
  }
}

bool is_ordering(Op op) { return op == Op::kGt || op == Op::kGe || op == Op::kLt || op == Op::kLe; }

bool regex_match(Op op, const Json* r, const Json* v, const Regex* compiled) {
  if (!is_string(r) || !is_string(v)) return false;
  if (compiled) return compiled->match_start(as_text(r));
  try {  // a pattern that comes from the resource (swap, expr)
    return Regex(as_text(v), op == Op::kRegex).match_start(as_text(r));
  } catch (const InputError&) {
    return false;
  }
}

bool modulo_match(const Json* r, const Json* v) {
  if (!v) return false;
  if (v->is_array() && v->size() == 2) {  // [divisor, remainder]
    auto rest = python::modulo(r, (*v)[0]);
    return rest && python::equal(*rest, (*v)[1]);
  }
  auto rest = python::modulo(r, *v);
  return rest && python::truthy(&*rest);
}

// op(r, v) as c7n's OPERATORS table does it, where a TypeError means no match.
bool apply(Op op, const Json* r, const Json* v, const Regex* compiled) {
  static const Json none;
  const Json& value = v ? *v : none;
  switch (op) {
    case Op::kNone:
    case Op::kEq:
      return none_equal(r, v);
    case Op::kNe:
      return !none_equal(r, v);
    case Op::kGt:
    case Op::kGe:
    case Op::kLt:
    case Op::kLe:
      return !python::is_none(r) && ordered(op, python::compare(*r, value));
    case Op::kGlob:  // Python's fnmatch has no escapes: a backslash matches itself
      return is_string(r) && is_string(v) &&
             fnmatch(as_text(v).c_str(), as_text(r).c_str(), FNM_NOESCAPE) == 0;
    case Op::kRegex:
    case Op::kRegexCase:
      return regex_match(op, r, v, compiled);
    case Op::kIn:
      return python::in(r, value).value_or(false);
    case Op::kNotIn: {
      auto in = python::in(r, value);
      return in.has_value() && !*in;
    }
    case Op::kContains:
      return r && python::in(v, *r).value_or(false);
    case Op::kDifference:
      return python::difference(r, value).value_or(false);
    case Op::kIntersect:
      return python::intersect(r, value).value_or(false);
    case Op::kMod:
      return modulo_match(r, v);
  }
  return false;
}

// ValueFilter.match after the value type: the special values first, then the operator.
bool evaluate(Op op, const Json* r, const Json* v, Special special, const Regex* compiled) {
  switch (special) {
    case Special::kAbsent:
      if (python::is_none(r)) return true;
      break;
    case Special::kPresent:
      if (!python::is_none(r)) return true;
      break;
    case Special::kNotNull:
      if (python::truthy(r)) return true;
      break;
    case Special::kEmpty:
      if (!python::truthy(r)) return true;
      break;
    case Special::kNone:
      break;
  }
  return apply(op, r, v, compiled);
}

// c7n tests a missing value with in and not-in as an empty tuple.
const Json* none_as_tuple(Op op, const Json* r) {
  static const Json kEmptyTuple = Json::array();
  return (op == Op::kIn || op == Op::kNotIn) && python::is_none(r) ? &kEmptyTuple : r;
}

// Dates (age, expiration, date): a side that is not a date is c7n's 0 or None, which equals
// nothing and orders with nothing; no other operator applies to a datetime.
bool date_match(Op op, std::optional<vt::Micros> r, std::optional<vt::Micros> v) {
  bool equal = r && v && *r == *v;
  if (op == Op::kNone || op == Op::kEq) return equal;
  if (op == Op::kNe) return !equal;
  if (!is_ordering(op) || !r || !v) return false;
  return ordered(op, *r < *v ? -1 : (*r > *v ? 1 : 0));
}

// A side of a cidr comparison: parse_cidr's address or network, a list of them, or None.
struct IpValue {
  std::optional<vt::Ip> one;
  const std::vector<std::optional<vt::Ip>>* list = nullptr;
};

// `item in container`: a network contains addresses and networks, a list its networks'
// contents and its addresses; nullopt where Python raises.
std::optional<bool> ip_contains(const IpValue& container, const IpValue& item) {
  if (container.list) {
    if (item.list) return std::nullopt;
    if (!item.one) return false;
    bool found = false;
    for (const auto& element : *container.list) {
      if (!element) continue;
      if (!element->is_network()) {
        found = found || vt::ip_equal(*item.one, *element);
        continue;
      }
      auto in = vt::ip_in(*item.one, *element);
      if (!in) return std::nullopt;
      found = found || *in;
    }
    return found;
  }
  if (!container.one || !container.one->is_network() || item.list) return std::nullopt;
  if (!item.one) return false;
  return vt::ip_in(*item.one, *container.one);
}

bool ip_match(Op op, const IpValue& r, const IpValue& v) {
  bool equal = r.one && v.one && vt::ip_equal(*r.one, *v.one);
  switch (op) {
    case Op::kNone:
    case Op::kEq:
      return equal;
    case Op::kNe:
      return !equal;
    case Op::kIn:
      return ip_contains(v, r).value_or(false);
    case Op::kNotIn: {
      auto in = ip_contains(v, r);
      return in.has_value() && !*in;
    }
    case Op::kContains:
      return ip_contains(r, v).value_or(false);
    default:
      return is_ordering(op) && r.one && v.one && ordered(op, vt::ip_compare(*r.one, *v.one));
  }
}

std::optional<vt::Ip> parse_ip(const Json& value) {
  return value.is_string() ? vt::parse_ip(as_text(&value)) : std::nullopt;
}

// The resource's side of a cidr comparison; `list` holds a parsed list.
IpValue resource_ip(const Json* r, std::vector<std::optional<vt::Ip>>& list) {
  if (!r || !r->is_array()) return IpValue{r ? parse_ip(*r) : std::nullopt};
  list.clear();
  for (const Json& element : *r) list.push_back(parse_ip(element));
  return IpValue{std::nullopt, &list};
}

std::int64_t cidr_size(const Json* r) {
  auto ip = r ? parse_ip(*r) : std::nullopt;
  return ip && ip->is_network() ? ip->prefix : 0;
}

// Reuses the scratch string's buffer, so steady-state matching does not allocate.
void set_string(Json& scratch, std::string_view value) {
  if (!scratch.is_string()) {
    scratch = std::string(value);
    return;
  }
  auto& s = scratch.get_ref<std::string&>();
  if (value.data() >= s.data() && value.data() <= s.data() + s.size()) {  // a part of itself
    std::size_t begin = value.data() - s.data();
    s.erase(begin + value.size()).erase(0, begin);
  } else {
    s.assign(value);
  }
}

// str.strip().lower(), for ASCII.
void normalize(std::string_view value, Json& scratch) {
  set_string(scratch, vt::strip(value));
  for (char& c : scratch.get_ref<std::string&>())
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

// What the filter compares with: the policy's value, checked against the operator and value
// type and with what matching needs precomputed.
struct Operand {
  Json value;
  Special special = Special::kNone;
  std::unique_ptr<Regex> regex;
  vt::Micros days = 0;                     // age, expiration: as microseconds
  std::optional<vt::Micros> date;          // date
  std::vector<std::optional<vt::Ip>> ips;  // cidr
  IpValue ip;
  std::unique_ptr<ValueKey> expr;  // expr
};

struct Comparison {
  Op op = Op::kNone;
  std::string op_name;
  Kind kind = Kind::kNone;
  std::string kind_name;
};

// Python's timedelta ends there.
constexpr long kMaxDays = 999'999'999;

// A problem with one element of a list value (or, with kWhole, with the value).
struct ElementError : InputError {
  ElementError(std::size_t index, const std::string& message) : InputError(message), index(index) {}
  std::size_t index;
};
constexpr std::size_t kWhole = static_cast<std::size_t>(-1);

// Value types that leave the policy's value as it is written.
bool keeps_value(Kind kind) {
  return kind == Kind::kNone || kind == Kind::kNormalize || kind == Kind::kInteger ||
         kind == Kind::kFloat || kind == Kind::kSize || kind == Kind::kUniqueSize ||
         kind == Kind::kCidrSize;
}

void check_for_op(const Comparison& c, Operand& operand) {
  const Json& v = operand.value;
  const std::string what = "op '" + c.op_name + "' needs ";
  switch (c.op) {
    case Op::kRegex:
    case Op::kRegexCase:
      if (!v.is_string()) throw InputError(what + "a string value, not " + json_type_name(v));
      operand.regex = std::make_unique<Regex>(as_text(&v), c.op == Op::kRegex);
      break;
    case Op::kGlob:
      if (!v.is_string()) throw InputError(what + "a string value, not " + json_type_name(v));
      break;
    case Op::kIn:
    case Op::kNotIn:
    case Op::kDifference:
    case Op::kIntersect:
      if (!v.is_array() && !v.is_string())
        throw InputError(what + "a list value, not " + json_type_name(v));
      break;
    case Op::kMod: {
      bool pair = v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number();
      const Json& divisor = pair ? v[0] : v;
      if ((!pair && !v.is_number()) || divisor == 0)
        throw InputError(what +
                         "a non-zero number to divide by (it matches when the remainder is "
                         "not 0) or [divisor, remainder], not " +
                         (divisor.is_number() ? "0" : json_type_name(v)));
      break;
    }
    default:
      break;
  }
}

void check_for_type(const Comparison& c, Operand& operand) {
  const Json& v = operand.value;
  const std::string what = "value_type '" + c.kind_name + "' needs ";
  switch (c.kind) {
    case Kind::kAge:
    case Kind::kExpiration:
      if (!v.is_number() || std::abs(v.get<double>()) > kMaxDays)
        throw InputError(what + "a number of days as value (at most " + std::to_string(kMaxDays) +
                         "), not " + (v.is_number() ? v.dump() : json_type_name(v)));
      operand.days = static_cast<vt::Micros>(std::nearbyint(v.get<double>() * vt::kMicrosPerDay));
      break;
    case Kind::kDate:
      operand.date = vt::parse_date(v);
      if (!operand.date)
        throw InputError(what + "a date value (like 2024-01-31T00:00:00Z or epoch seconds), not " +
                         (v.is_string() ? "'" + as_text(&v) + "'" : json_type_name(v)));
      break;
    case Kind::kVersion:
      if (!v.is_string() || as_text(&v).empty())
        throw InputError(what + "a version string (like 1.2.3) as value, not " + json_type_name(v));
      break;
    case Kind::kCidr: {
      const bool list = v.is_array();
      for (const Json& item : list ? v : Json::array({v})) {
        operand.ips.push_back(parse_ip(item));
        if (!operand.ips.back())
          throw ElementError(list ? operand.ips.size() - 1 : kWhole,
                             "invalid cidr " + item.dump() +
                                 ": write an address (10.0.0.1, 2001:db8::1) or a network with its "
                                 "host bits zero (10.0.0.0/8, 2001:db8::/32)");
      }
      operand.ip = list ? IpValue{std::nullopt, &operand.ips} : IpValue{operand.ips.front()};
      break;
    }
    case Kind::kResourceCount:
      if (!v.is_number_integer() && !v.is_array())
        throw InputError(what + "a whole number of resources (or a list for 'in') as value, not " +
                         json_type_name(v));
      break;
    default:
      break;
  }
}

// Checks `value` against the comparison; throws InputError naming what is wrong.
std::unique_ptr<Operand> prepare(const Json& value, const Comparison& c) {
  auto operand = std::make_unique<Operand>();
  operand->value = value;
  operand->special = special_of(&value);
  if (keeps_value(c.kind)) check_for_op(c, *operand);
  check_for_type(c, *operand);
  return operand;
}

// Scratch space for computed values, one per thread so matching does not allocate.
struct Scratch {
  Json key, value;
  std::vector<std::optional<vt::Ip>> ips;
};

}  // namespace

namespace {

// A member's name that is no JMESPath only for its colon or dash (c7n:InstanceOwnerIds,
// c7n:matched-keys): letters, digits, '_', '-' and ':'; a typo such as State..Name is not one.
bool is_member_name(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == ':';
  });
}

}  // namespace

ValueKey::ValueKey(std::string text, const Spec& key_spec, const Regex* value_regex)
    : text_(std::move(text)), value_regex_(value_regex) {
  if (text_.rfind("tag:", 0) == 0) {
    tag_ = text_.substr(4);
    return;
  }
  try {
    expression_ = std::make_unique<jmespath::Expression>(jmespath::Expression::compile(text_));
  } catch (const jmespath::Error& e) {
    // As Cloud Custodian, which looks a key up as a member before it reads it as JMESPath: an
    // annotation such as c7n:InstanceOwnerIds is a member's name.
    if (!is_member_name(text_)) key_spec.fail("invalid key '" + text_ + "': " + e.what());
  }
}

const Json* ValueKey::find(const Json& document, Json& scratch) const {
  if (!tag_.empty()) {
    auto tags = document.find("Tags");
    if (tags == document.end() || !tags->is_array()) return nullptr;
    for (const Json& tag : *tags) {
      auto key = tag.find("Key");
      if (key != tag.end() && key->is_string() && as_text(&*key) == tag_) {  // no temporary Json
        auto value = tag.find("Value");
        return value == tag.end() ? nullptr : &*value;
      }
    }
    return nullptr;
  }
  if (document.is_object()) {
    auto direct = document.find(text_);
    if (direct != document.end()) return &*direct;
  }
  if (!expression_) return nullptr;
  if (expression_->is_path()) return expression_->find_path(document);
  scratch = expression_->search(document);
  return scratch.is_null() ? nullptr : &scratch;
}

const Json* ValueKey::lookup(const Json& document, Json& scratch) const {
  return refine(find(document, scratch), scratch);
}

const Json* ValueKey::refine(const Json* found, Json& scratch) const {
  if (!value_regex_ || !found) return found;
  if (!found->is_string())
    return nullptr;  // re.match raises TypeError: c7n's ValueRegex gives None
  auto group = value_regex_->first_group(as_text(found));
  if (!group) return nullptr;
  set_string(scratch, *group);
  return &scratch;
}

struct ValueMatcher::Impl {
  Comparison comparison;
  std::unique_ptr<Regex> value_regex;  // before key: the key points to it
  std::unique_ptr<ValueKey> key;       // null for resource_count
  std::unique_ptr<Operand> operand;    // null until a value_from s3:// URL is read
  std::unique_ptr<ValuesFrom> from;    // only for s3:// URLs
  mutable std::once_flag fetched;
  mutable std::unique_ptr<Operand> fetched_operand;

  void build(const Spec& spec, const ValueMatcher::Options& options);
  void build_operand(const Spec& spec);
  const Operand& operand_for(const FilterContext& context) const;
  bool test(const Json* r, const Json& document, const Operand& v, Scratch& scratch) const;
};

namespace {

// The resource's value as the value type turns it into something to compare by the operator
// (in `scratch` when computed).
const Json* converted(Kind kind, const Json* r, Json& scratch) {
  switch (kind) {
    case Kind::kNormalize:
      if (!is_string(r)) return r;
      normalize(as_text(r), scratch);
      return &scratch;
    case Kind::kInteger:
      scratch = vt::to_integer(r);
      return &scratch;
    case Kind::kFloat:
      scratch = vt::to_float(r);
      return &scratch;
    case Kind::kSize:
      scratch = python::length(r).value_or(0);
      return &scratch;
    case Kind::kUniqueSize:
      scratch = python::unique_length(r).value_or(0);
      return &scratch;
    case Kind::kCidrSize:
      scratch = cidr_size(r);
      return &scratch;
    default:
      return r;
  }
}

std::optional<vt::Micros> date_of(const Json* r) { return r ? vt::parse_date(*r) : std::nullopt; }

// LooseVersion(value) compared with LooseVersion(r); ComparableVersion equals the strings
// "present" and "not-null" by their own versions, so those values match everything.
bool version_match(Op op, const Json* r, const Operand& v) {
  if (v.special == Special::kPresent || v.special == Special::kNotNull) return true;
  if (!is_string(r) || as_text(r).empty()) return false;  // c7n fails on these
  auto order = vt::compare_versions(as_text(r), as_text(&v.value));
  if (op == Op::kNone || op == Op::kEq) return order == 0;
  if (op == Op::kNe) return order != 0;
  return is_ordering(op) && ordered(op, order);
}

}  // namespace

bool ValueMatcher::Impl::test(const Json* r, const Json& document, const Operand& v,
                              Scratch& scratch) const {
  const Op op = comparison.op;
  r = none_as_tuple(op, r);
  switch (comparison.kind) {
    case Kind::kSwap:
      return evaluate(op, &v.value, r, special_of(r), nullptr);
    case Kind::kExpr: {
      const Json* sentinel = v.expr->lookup(document, scratch.value);
      return evaluate(op, r, sentinel, special_of(sentinel), nullptr);
    }
    case Kind::kAge:  // reversed, so that `gt` reads "older than"
      return date_match(op, vt::now() - v.days, date_of(r));
    case Kind::kExpiration:
      return date_match(op, date_of(r), vt::now() + v.days);
    case Kind::kDate:
      return date_match(op, date_of(r), v.date);
    case Kind::kCidr: {
      IpValue value = resource_ip(r, scratch.ips);
      bool address_in_network =
          v.ip.one && !v.ip.one->is_network() && value.one && value.one->is_network();
      return address_in_network ? ip_match(op, v.ip, value) : ip_match(op, value, v.ip);
    }
    case Kind::kVersion:
      return version_match(op, r, v);
    default:
      return evaluate(op, converted(comparison.kind, r, scratch.value), &v.value, v.special,
                      v.regex.get());
  }
}

const Operand& ValueMatcher::Impl::operand_for(const FilterContext& context) const {
  if (operand) return *operand;
  std::call_once(fetched, [&] {
    const Json& values = from->values(context.client);
    try {
      fetched_operand = prepare(values, comparison);
    } catch (const InputError& e) {
      throw InputError("value_from " + from->url() + ": " + e.what());
    }
  });
  return *fetched_operand;
}

namespace {

// Whether `spec` is an entry of a policy's own filter list (/policies/N/filters/M).
bool top_level_filter(const Spec& spec) {
  std::string pointer = spec.pointer().to_string();
  std::vector<std::string> parts;
  for (std::size_t start = 1, end; start <= pointer.size(); start = end + 1) {
    end = std::min(pointer.find('/', start), pointer.size());
    parts.push_back(pointer.substr(start, end - start));
  }
  return parts.size() == 4 && parts[0] == "policies" && parts[2] == "filters";
}

}  // namespace

void ValueMatcher::Impl::build_operand(const Spec& spec) {
  if (spec.has("value_from")) {
    Spec from_spec = spec.child("value_from");
    if (spec.has("value"))
      spec.child("value").at_key().fail("give 'value' or 'value_from', not both");
    if (comparison.kind == Kind::kExpr)
      from_spec.at_key().fail("value_type 'expr' reads its key from 'value', not 'value_from'");
    from = std::make_unique<ValuesFrom>(from_spec);
    if (from->read_on_use()) return;
    try {
      operand = prepare(from->values(nullptr), comparison);
    } catch (const InputError& e) {
      from_spec.fail("value_from " + from->url() + ": " + e.what());
    }
    from.reset();
    return;
  }
  Spec value_spec = spec.child("value");
  try {
    operand = prepare(value_spec.value(), comparison);
  } catch (const ElementError& e) {
    (e.index == kWhole ? value_spec : value_spec.element(e.index)).fail(e.what());
  } catch (const InputError& e) {
    value_spec.fail(e.what());
  }
  if (comparison.kind != Kind::kExpr) return;
  if (!value_spec.value().is_string())
    value_spec.fail("value_type 'expr' needs a key (like tag:Owner or State.Name) as value, not " +
                    json_type_name(value_spec.value()));
  operand->expr =
      std::make_unique<ValueKey>(as_text(&value_spec.value()), value_spec, value_regex.get());
}

void ValueMatcher::Impl::build(const Spec& spec, const ValueMatcher::Options& options) {
  const Json& data = spec.value();
  const std::string type = data.value("type", "value");
  spec.allow_keys(value_filter_options(options.extra_keys), "the " + type + " filter");
  Comparison& c = comparison;
  c.kind_name = spec.optional_string("value_type");
  if (spec.has("value_type")) {
    auto kind = vt::parse_kind(c.kind_name);
    if (!kind)
      spec.child("value_type")
          .fail("unknown value_type '" + c.kind_name + "' (known: " + vt::known_names() + ")");
    c.kind = *kind;
  }
  Spec op_spec = spec.has("op") ? spec.child("op") : spec;
  c.op_name = spec.optional_string("op");
  if (spec.has("op") && c.op_name.empty())
    op_spec.fail("'op' is empty (leave it out to test equality)");
  c.op = op_from(op_spec, c.op_name);
  if (c.kind == Kind::kResourceCount) {
    Spec where = spec.child("value_type");
    if (type != "value")
      where.fail("value_type 'resource_count' counts resources; use it in a value filter");
    if (!top_level_filter(spec))
      where.fail(
          "value_type 'resource_count' judges the whole set, so it must be one of the "
          "policy's own filters, not inside and/or/not");
    if (!spec.has("op")) spec.fail("value_type 'resource_count' needs an 'op' (like gte)");
    if (c.op == Op::kRegex || c.op == Op::kRegexCase)
      op_spec.fail("value_type 'resource_count' compares a number; op '" + c.op_name +
                   "' does not apply");
    if (spec.has("value_regex"))
      spec.child("value_regex").at_key().fail("value_type 'resource_count' takes no value_regex");
  } else if (!spec.has("key") && options.default_key.empty()) {
    spec.fail("value filter needs a 'key' (what to compare)");
  }
  if (!spec.has("value") && !spec.has("value_from"))
    spec.fail("value filter needs a 'value' (what to compare it with)");
  if (spec.has("value_regex")) {
    Spec regex_spec = spec.child("value_regex");
    std::string pattern = spec.optional_string("value_regex");
    try {
      value_regex = std::make_unique<Regex>(pattern, false);
    } catch (const InputError& e) {
      regex_spec.fail(e.what());
    }
    if (value_regex->capture_count() != 1)
      regex_spec.fail(
          "value_regex must have exactly one capturing group (the value it picks), "
          "not " +
          std::to_string(value_regex->capture_count()));
  }
  if (spec.has("key")) {
    Spec key_spec = spec.child("key");
    if (!key_spec.value().is_string())
      key_spec.fail("'key' must be a string, not " + json_type_name(key_spec.value()));
    key = std::make_unique<ValueKey>(as_text(&key_spec.value()), key_spec, value_regex.get());
  } else if (c.kind != Kind::kResourceCount) {
    key = std::make_unique<ValueKey>(options.default_key, spec, value_regex.get());
  }
  if (c.kind == Kind::kResourceCount && spec.has("value_from"))
    spec.child("value_from").at_key().fail("value_type 'resource_count' needs 'value'");
  build_operand(spec);
}

ValueMatcher::ValueMatcher(const Spec& spec) : ValueMatcher(spec, Options{}) {}

ValueMatcher::ValueMatcher(const Spec& spec, const Options& options) {
  auto impl = std::make_unique<Impl>();
  const Json& data = spec.value();
  if (!data.is_object())
    spec.fail("write a value filter as {type: value, key: ..., value: ...} or {KEY: VALUE}");
  // {KEY: VALUE} shorthand; with a default key, a single key is an option ({value: x}).
  if (!data.contains("type") && data.size() == 1 && options.default_key.empty()) {
    Spec key_spec = spec.child(data.begin().key()).at_key();
    impl->key = std::make_unique<ValueKey>(data.begin().key(), key_spec);
    impl->operand = prepare(data.begin().value(), impl->comparison);
  } else {
    impl->build(spec, options);
  }
  impl_ = std::move(impl);
}

ValueMatcher::ValueMatcher(ValueMatcher&&) noexcept = default;
ValueMatcher::~ValueMatcher() = default;

bool ValueMatcher::matches(const Json& document, const FilterContext& context) const {
  const Impl& m = *impl_;
  if (counts_resources()) return count_matches(1);
  thread_local Scratch scratch;
  const Json* r = m.key->lookup(document, scratch.key);
  return m.test(r, document, m.operand_for(context), scratch);
}

bool ValueMatcher::matches_found(const Json* found, const FilterContext& context) const {
  const Impl& m = *impl_;
  thread_local Scratch scratch;
  static const Json no_document;  // only value_type expr reads it
  const Json* r = m.key->refine(found, scratch.key);
  return m.test(r, no_document, m.operand_for(context), scratch);
}

bool ValueMatcher::judges_found() const {
  return impl_->key && impl_->comparison.kind != Kind::kExpr;
}

const ValueKey* ValueMatcher::key() const { return impl_->key.get(); }

std::vector<std::string> ValueMatcher::permissions() const {
  if (impl_->from) return {"s3:GetObject"};  // kept only for s3:// URLs
  return {};
}

const std::string& ValueMatcher::key_text() const {
  static const std::string none;
  return impl_->key ? impl_->key->text() : none;
}

bool ValueMatcher::counts_resources() const {
  return impl_->comparison.kind == Kind::kResourceCount;
}

bool ValueMatcher::count_matches(std::size_t count) const {
  const Json size = count;
  return apply(impl_->comparison.op, &size, &impl_->operand->value, nullptr);
}

struct ValueCondition::Impl {
  Comparison comparison;
  std::unique_ptr<Operand> operand;
};

ValueCondition::ValueCondition(const Spec& value_spec, const Spec& op_spec, const std::string& op) {
  auto impl = std::make_unique<Impl>();
  impl->comparison.op_name = op;
  impl->comparison.op = op_from(op_spec, op);
  try {
    impl->operand = prepare(value_spec.value(), impl->comparison);
  } catch (const InputError& e) {
    value_spec.fail(e.what());
  }
  impl_ = std::move(impl);
}

ValueCondition::ValueCondition(ValueCondition&&) noexcept = default;
ValueCondition::~ValueCondition() = default;

bool ValueCondition::test(const Json* actual) const {
  const Operand& v = *impl_->operand;
  Op op = impl_->comparison.op;
  return evaluate(op, none_as_tuple(op, actual), &v.value, v.special, v.regex.get());
}

namespace {
class ValueFilter : public Filter {
 public:
  explicit ValueFilter(const Spec& spec) : matcher_(spec) {}

  // resource_count: this resource on its own is a set of one.
  bool match(const Json& resource, const FilterContext& context) const override {
    bool matched = matcher_.matches(resource, context);
    if (matched && context.matched_keys && !matcher_.counts_resources())
      context.matched_keys->push_back(matcher_.key_text());
    return matched;
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (!matcher_.counts_resources()) return Filter::process(std::move(resources), context);
    if (matcher_.count_matches(resources.size())) return resources;
    return {};
  }
  bool judges_set() const override { return matcher_.counts_resources(); }
  std::vector<std::string> permissions() const override { return matcher_.permissions(); }

  StoredMatcherPtr stored_matcher(const DocStore& store) const override {
    if (auto direct = make_stored_value_matcher(matcher_, store)) return direct;
    return Filter::stored_matcher(store);
  }

 private:
  ValueMatcher matcher_;
};
}  // namespace

void register_value_filter(Registry& registry) {
  registry.add_filter("value", [](const Spec& spec, const BuildContext&) -> FilterPtr {
    return std::make_unique<ValueFilter>(spec);
  });
}

std::vector<std::string> value_filter_options(const std::vector<std::string>& extra) {
  std::vector<std::string> options = {"key",        "value",      "op",
                                      "value_type", "value_from", "value_regex"};
  options.insert(options.end(), extra.begin(), extra.end());
  return options;
}

}  // namespace custos::policy
