#include "core/stored_json_text.h"

#include <algorithm>
#include <array>
#include <deque>
#include <vector>

#include "core/error.h"

namespace custos {

namespace {

// The length of the UTF-8 sequence starting at text[at], or 0 when it is not one.
std::size_t utf8_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  std::size_t length = lead < 0x80                    ? 1
                       : lead >= 0xC2 && lead <= 0xDF ? 2
                       : lead >= 0xE0 && lead <= 0xEF ? 3
                       : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                      : 0;
  if (length == 0 || at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i)
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
  const unsigned char second = length > 1 ? byte(at + 1) : 0;
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
      (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))
    return 0;  // overlong, a surrogate, or past U+10FFFF
  return length;
}

// The ASCII bytes a JSON string holds as they are.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

// Bytes that need no escape are copied in runs, not one by one: most strings have none.
void append_string(std::string_view text, std::string& out) {
  out += '"';
  std::size_t run = 0;  // where the bytes not yet copied start
  for (std::size_t at = 0; at < text.size();) {
    while (at < text.size() && kPlain[static_cast<unsigned char>(text[at])]) ++at;
    if (at == text.size()) break;
    const unsigned char c = static_cast<unsigned char>(text[at]);
    if (c >= 0x80) {
      const std::size_t length = utf8_length(text, at);
      if (length == 0) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "%02X", c);
        throw Error("a stored string is not UTF-8 (byte 0x" + std::string(hex) + " at index " +
                    std::to_string(at) + "): it cannot be written as JSON");
      }
      at += length;
      continue;
    }
    out.append(text.substr(run, at - run));
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        out += escaped;
      }
    }
    run = ++at;
  }
  out.append(text.substr(run));
  out += '"';
}

class Writer {
 public:
  using Member = std::pair<std::string_view, DocStore::Value>;

  Writer(const DocStore& store, std::string& out, int indent)
      : store_(store), out_(out), indent_(indent) {}

  void value(DocStore::Value value, int depth) {
    switch (store_.kind(value)) {
      case DocStore::Kind::kMissing:
      case DocStore::Kind::kNull:
        out_ += "null";
        return;
      case DocStore::Kind::kBool:
        out_ += store_.boolean(value) ? "true" : "false";
        return;
      case DocStore::Kind::kNumber:
        out_ += store_.to_json(value).dump();
        return;
      case DocStore::Kind::kString:
        append_string(store_.string(value), out_);
        return;
      case DocStore::Kind::kArray:
        return array(value, depth);
      case DocStore::Kind::kObject:
        return object(value, depth);
    }
  }

 private:
  void array(DocStore::Value array, int depth) {
    const std::size_t size = store_.size(array);
    if (size == 0) {
      out_ += "[]";
      return;
    }
    out_ += '[';
    for (std::size_t i = 0; i < size; ++i) {
      if (i > 0) out_ += ',';
      newline(depth + 1);
      value(store_.element(array, i), depth + 1);
    }
    newline(depth);
    out_ += ']';
  }

  void object(DocStore::Value object, int depth) {
    const std::size_t size = store_.size(object);
    if (size == 0) {
      out_ += "{}";
      return;
    }
    // In byte order, as nlohmann's std::map keeps them; most stored objects already are. One
    // list a depth, kept between objects: no allocation per object.
    if (members_by_depth_.size() <= static_cast<std::size_t>(depth))
      members_by_depth_.resize(depth + 1);
    auto& members = members_by_depth_[depth];
    members.clear();
    for (std::size_t i = 0; i < size; ++i)
      members.emplace_back(store_.key(object, i), store_.member(object, i));
    if (!std::ranges::is_sorted(members, {}, &Member::first))
      std::ranges::sort(members, {}, &Member::first);
    out_ += '{';
    for (std::size_t i = 0; i < size; ++i) {
      if (i > 0) out_ += ',';
      newline(depth + 1);
      append_string(members[i].first, out_);
      out_ += indent_ < 0 ? ":" : ": ";
      value(members[i].second, depth + 1);
    }
    newline(depth);
    out_ += '}';
  }

  void newline(int depth) {
    if (indent_ < 0) return;
    out_ += '\n';
    out_.append(static_cast<std::size_t>(depth * indent_), ' ');
  }

  const DocStore& store_;
  std::string& out_;
  int indent_;
  // A deque: growing it for a deeper object keeps the lists of the objects around it in place.
  std::deque<std::vector<Member>> members_by_depth_;
};

}  // namespace

void append_json(const DocStore& store, DocStore::Value value, std::string& out, int indent) {
  Writer(store, out, indent).value(value, 0);
}

std::string json_list(const DocStore& store, std::span<const DocStore::Value> documents,
                      int indent) {
  std::string out;
  if (documents.empty()) return "[]";
  Writer writer(store, out, indent);
  out += '[';
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (i > 0) out += ',';
    if (indent >= 0) out.append("\n").append(static_cast<std::size_t>(indent), ' ');
    writer.value(documents[i], 1);
  }
  if (indent >= 0) out += '\n';
  out += ']';
  return out;
}

}  // namespace custos
