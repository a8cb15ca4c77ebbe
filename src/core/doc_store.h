// Read-only JSON documents held compactly, for large resource sets (100,000 instances in well
// under the memory of their JSON text): each distinct string, object keys included, is stored
// once; objects with the same keys in the same order share one key list (their shape); and
// identical arrays and objects are stored once. A Value is one 32-bit word, reading never
// allocates, and two Values of one store are equal exactly when they are the same JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/json.h"

namespace custos {

class DocStore {
 public:
  // A JSON value of one store, or kMissing. Meaningful only with the store it came from.
  struct Value {
    std::uint32_t word;
    friend bool operator==(Value, Value) = default;
  };
  static constexpr Value kMissing{0xFFFFFFFFu};
  enum class Kind : std::uint8_t { kMissing, kNull, kBool, kNumber, kString, kArray, kObject };

  // simdjson reads up to this many bytes past the end of the text it parses.
  static constexpr std::size_t kPadding = 64;

  DocStore();
  ~DocStore();
  DocStore(DocStore&&) noexcept;
  DocStore& operator=(DocStore&&) noexcept;

  // Adding documents (not thread-safe). Both throw InputError when the store is full (2^29
  // distinct strings, numbers or container words).
  Value add(const Json& document);
  // `text` holds one JSON document. Pass `capacity` >= text.size() + kPadding when that many
  // bytes are readable from text.data(); otherwise the text is copied first. Throws
  // JsonTextError (core/json_text.h) with the line and column within `text` when invalid.
  Value add_json(std::string_view text, std::size_t capacity = 0);
  // A copy of `object` with `key` set to `value`, both of this store (replaced in place, or
  // added last): how an annotated resource is stored without rebuilding it.
  Value with_member(Value object, std::string_view key, Value value);

  // Reading (thread-safe once adding is done).
  Kind kind(Value value) const;
  Json to_json(Value value) const;
  bool boolean(Value value) const;                  // a kBool
  std::string_view string(Value value) const;       // a kString
  std::size_t size(Value value) const;              // a kArray's elements, a kObject's members
  Value element(Value array, std::size_t i) const;  // i < size(array)
  std::string_view key(Value object, std::size_t i) const;
  Value member(Value object, std::size_t i) const;
  // The value of `key` in `object`: kMissing when absent or when `object` is not an object.
  Value get(Value object, std::string_view key) const;
  // The Value of the string `text` if some document holds it (as a value or a key), else
  // kMissing: with strings interned, finding a string in a document is comparing words.
  Value find_string(std::string_view text) const;

  // Memory held, in bytes (what peak-RSS figures should be compared with).
  std::size_t bytes() const;

  // Reads one key from many objects fast: the key's slot is cached per object shape, so
  // documents of one shape cost a compare and a load. Make it after the documents are added.
  class KeyLookup {
   public:
    KeyLookup(const DocStore& store, std::string_view key);
    Value operator()(Value object);  // kMissing when absent or not an object

   private:
    const DocStore* store_;
    std::uint32_t key_;  // the key's string word; kMissing's when no document has it
    std::uint32_t shape_ = 0xFFFFFFFFu;
    std::uint32_t slot_ = 0xFFFFFFFFu;  // in objects of shape_; 0xFFFFFFFF: not there
  };

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos
