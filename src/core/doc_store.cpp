// Layout. A Value word is a 3-bit tag and a 29-bit payload:
//   0 constant (0 null, 1 false, 2 true)   1 integer inline (29-bit two's complement)
//   2 string (id)                          3 other number (index into `numbers`)
//   4 array (offset in `words`: [n, v0..vn-1])
//   5 object (offset in `words`: [shape, v0..vn-1]; shape: offset in `keys`: [n, key id...])
// Strings, numbers, key lists, arrays and objects are each interned through an IdSet, so equal
// JSON (with keys in the same order) is one word, and a key is found by comparing ids.
#include "core/doc_store.h"

#include <simdjson.h>
// XXH3 inline: interning hashes every string and container, and XXH3 is several times quicker
// than std::hash on the short strings and word blocks of resource documents.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/json_text.h"

namespace custos {

namespace {

namespace dom = simdjson::dom;

constexpr std::uint32_t kNone = 0xFFFFFFFFu;
constexpr std::uint32_t kPayloadLimit = 1u << 29;
constexpr std::size_t kMaxDepth = simdjson::DEFAULT_MAX_DEPTH;
static_assert(DocStore::kPadding >= simdjson::SIMDJSON_PADDING);

enum Tag : std::uint32_t {
  kConstantTag = 0,
  kInlineTag = 1,
  kStringTag = 2,
  kNumberTag = 3,
  kArrayTag = 4,
  kObjectTag = 5
};
constexpr std::uint32_t word(Tag tag, std::uint32_t payload) { return payload << 3 | tag; }
constexpr Tag tag_of(std::uint32_t word) { return static_cast<Tag>(word & 7); }
constexpr std::uint32_t payload_of(std::uint32_t word) { return word >> 3; }
constexpr std::uint32_t kNullWord = word(kConstantTag, 0);
constexpr std::uint32_t kFalseWord = word(kConstantTag, 1);
constexpr std::uint32_t kTrueWord = word(kConstantTag, 2);
constexpr std::int64_t kInlineMin = -(std::int64_t{1} << 28);
constexpr std::int64_t kInlineMax = (std::int64_t{1} << 28) - 1;

std::uint32_t hash_bytes(const void* data, std::size_t size) {
  return static_cast<std::uint32_t>(XXH3_64bits(data, size));
}

[[noreturn]] void throw_full(const char* what) {
  throw InputError(std::string("document store full: more than 2^29 ") + what +
                   "; split the resources into several sets");
}

[[noreturn]] void throw_too_deep() {
  throw InputError("JSON nested deeper than " + std::to_string(kMaxDepth) +
                   " levels: custos reads documents up to that depth");
}

// A growable buffer of trivially copyable T. It grows with realloc, so a large buffer is
// remapped by the kernel (glibc uses mremap) rather than copied into a second, larger one.
template <class T>
class Arena {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() { std::free(data_); }

  const T* data() const { return data_; }
  T* data() { return data_; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return capacity_ * sizeof(T); }
  const T& operator[](std::size_t i) const { return data_[i]; }

  void append(const T* items, std::size_t count) {
    reserve(size_ + count);
    if (count > 0) std::memcpy(data_ + size_, items, count * sizeof(T));
    size_ += count;
  }
  void push_back(T item) { append(&item, 1); }

 private:
  void reserve(std::size_t needed) {
    if (needed <= capacity_) return;
    std::size_t capacity = std::max({needed, capacity_ + capacity_ / 2, 4096 / sizeof(T)});
    void* grown = std::realloc(data_, capacity * sizeof(T));
    if (grown == nullptr) throw std::bad_alloc();
    data_ = static_cast<T*>(grown);
    capacity_ = capacity;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0, capacity_ = 0;
};

// An open-addressing set of 32-bit ids, each kept beside its 32-bit hash. What an id stands
// for (a string, a number, a block of words) is the caller's, through the equality it passes.
class IdSet {
 public:
  // The id `equal` accepts among those with `hash`, else kNone.
  template <class Equal>
  std::uint32_t find(std::uint32_t hash, Equal equal) const {
    if (slots_.empty()) return kNone;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask; slots_[i].id != kNone; i = (i + 1) & mask)
      if (slots_[i].hash == hash && equal(slots_[i].id)) return slots_[i].id;
    return kNone;
  }

  // Like find, but when absent adds and returns the id `make` returns.
  template <class Equal, class Make>
  std::uint32_t find_or_add(std::uint32_t hash, Equal equal, Make make) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    for (; slots_[i].id != kNone; i = (i + 1) & mask)
      if (slots_[i].hash == hash && equal(slots_[i].id)) return slots_[i].id;
    const std::uint32_t id = make();
    slots_[i] = {hash, id};
    ++count_;
    return id;
  }

  std::size_t bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint32_t hash = 0, id = kNone;
  };

  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(slots_.size() * 2, 1024));
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.id == kNone) continue;
      std::size_t i = slot.hash & mask;
      while (slots_[i].id != kNone) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

// A number that does not fit inline, with nlohmann's type so that to_json gives it back as
// it came (1.0 stays a double; integers beyond int64 stay unsigned).
struct Number {
  std::uint64_t bits;
  Json::value_t type;
};

}  // namespace

struct DocStore::Impl {
  Impl() { string_starts.push_back(0); }

  // Storage: what bytes() counts.
  Arena<char> chars;  // string i is chars[string_starts[i], string_starts[i+1])
  Arena<std::uint32_t> string_starts;
  Arena<Number> numbers;
  Arena<std::uint32_t> keys;   // key lists ("shapes"): [n, key string id...]
  Arena<std::uint32_t> words;  // arrays and objects
  IdSet string_set, number_set, shape_set, array_set, object_set;

  // Adding: reused from document to document.
  std::vector<std::uint32_t> values;        // [header, value...] of each container being built
  std::vector<std::uint32_t> member_keys;   // [n, key id...] of each object being built
  std::vector<std::uint32_t> member_index;  // add_json: where each key of one object sits
  std::string padded_copy;                  // add_json: text without room for simdjson
  dom::parser parser;

  std::size_t bytes() const {
    return chars.bytes() + string_starts.bytes() + numbers.bytes() + keys.bytes() + words.bytes() +
           string_set.bytes() + number_set.bytes() + shape_set.bytes() + array_set.bytes() +
           object_set.bytes() +
           (values.capacity() + member_keys.capacity() + member_index.capacity()) *
               sizeof(std::uint32_t) +
           padded_copy.capacity();
  }

  // --- reading ---------------------------------------------------------------------------

  std::string_view string_of(std::uint32_t id) const {
    return {chars.data() + string_starts[id], string_starts[id + 1] - string_starts[id]};
  }
  std::uint32_t find_string_id(std::string_view text) const {
    return string_set.find(hash_bytes(text.data(), text.size()),
                           [&](std::uint32_t id) { return string_of(id) == text; });
  }
  std::uint32_t shape_of(std::uint32_t object_word) const { return words[payload_of(object_word)]; }
  // Where `key_id` sits among the members of objects of `shape`, else kNone.
  std::uint32_t slot_of(std::uint32_t shape, std::uint32_t key_id) const {
    const std::uint32_t* list = keys.data() + shape;
    for (std::uint32_t i = 0; i < list[0]; ++i)
      if (list[1 + i] == key_id) return i;
    return kNone;
  }

  Json to_json(std::uint32_t value) const {
    const std::uint32_t payload = payload_of(value);
    switch (tag_of(value)) {
      case kConstantTag:
        return payload == 0 ? Json(nullptr) : Json(payload == 2);
      case kInlineTag: {
        const std::int32_t number = static_cast<std::int32_t>(value) >> 3;
        // As nlohmann's parser types them: unsigned unless negative.
        return number >= 0 ? Json(static_cast<std::uint64_t>(number))
                           : Json(static_cast<std::int64_t>(number));
      }
      case kStringTag:
        return Json(std::string(string_of(payload)));
      case kNumberTag:
        return number_json(numbers[payload]);
      case kArrayTag: {
        Json array = Json::array();
        const std::uint32_t* block = words.data() + payload;
        auto& elements = array.get_ref<Json::array_t&>();
        elements.reserve(block[0]);
        for (std::uint32_t i = 0; i < block[0]; ++i) elements.push_back(to_json(block[1 + i]));
        return array;
      }
      case kObjectTag: {
        Json object = Json::object();
        const std::uint32_t* block = words.data() + payload;
        const std::uint32_t* list = keys.data() + block[0];
        // Keys mostly come in order (from a Json, whose map sorts them): a hint at the end
        // makes each insertion constant time.
        auto& members = object.get_ref<Json::object_t&>();
        for (std::uint32_t i = 0; i < list[0]; ++i)
          members.emplace_hint(members.end(), std::string(string_of(list[1 + i])),
                               to_json(block[1 + i]));
        return object;
      }
    }
    return Json(nullptr);  // kMissing: what JMESPath makes of an absent value
  }

  static Json number_json(const Number& number) {
    switch (number.type) {
      case Json::value_t::number_integer:
        return Json(std::bit_cast<std::int64_t>(number.bits));
      case Json::value_t::number_unsigned:
        return Json(number.bits);
      default:
        return Json(std::bit_cast<double>(number.bits));
    }
  }

  // --- adding ----------------------------------------------------------------------------

  std::uint32_t intern_string_id(std::string_view text) {
    return string_set.find_or_add(
        hash_bytes(text.data(), text.size()),
        [&](std::uint32_t id) { return string_of(id) == text; },
        [&] {
          const std::size_t id = string_starts.size() - 1;
          if (id >= kPayloadLimit) throw_full("distinct strings");
          if (chars.size() + text.size() > kNone) throw_full("string bytes (4 GiB)");
          chars.append(text.data(), text.size());
          string_starts.push_back(static_cast<std::uint32_t>(chars.size()));
          return static_cast<std::uint32_t>(id);
        });
  }
  std::uint32_t intern_string(std::string_view text) {
    return word(kStringTag, intern_string_id(text));
  }

  std::uint32_t intern_number(Number number) {
    const std::uint32_t hash =
        hash_bytes(&number.bits, sizeof number.bits) ^ static_cast<std::uint32_t>(number.type);
    const std::uint32_t index = number_set.find_or_add(
        hash,
        [&](std::uint32_t i) {
          return numbers[i].bits == number.bits && numbers[i].type == number.type;
        },
        [&] {
          if (numbers.size() >= kPayloadLimit) throw_full("distinct numbers");
          numbers.push_back(number);
          return static_cast<std::uint32_t>(numbers.size() - 1);
        });
    return word(kNumberTag, index);
  }
  // Integers are stored the way nlohmann's parser types them (unsigned unless negative), so
  // an integer is one word whichever type it came with.
  std::uint32_t add_integer(std::int64_t number) {
    if (number >= kInlineMin && number <= kInlineMax)
      return word(kInlineTag, static_cast<std::uint32_t>(number) & (kPayloadLimit - 1));
    if (number >= 0) return add_unsigned(static_cast<std::uint64_t>(number));
    return intern_number({std::bit_cast<std::uint64_t>(number), Json::value_t::number_integer});
  }
  std::uint32_t add_unsigned(std::uint64_t number) {
    if (number <= static_cast<std::uint64_t>(kInlineMax))
      return add_integer(static_cast<std::int64_t>(number));
    return intern_number({number, Json::value_t::number_unsigned});
  }
  std::uint32_t add_double(double number) {
    return intern_number({std::bit_cast<std::uint64_t>(number), Json::value_t::number_float});
  }

  // The offset of a block of words equal to `block` (`size` words) in `arena`, appended when
  // new; `size_at(offset)` is the size of the block stored at offset.
  template <class SizeAt>
  static std::uint32_t intern_block(IdSet& set, Arena<std::uint32_t>& arena,
                                    const std::uint32_t* block, std::size_t size, SizeAt size_at,
                                    const char* full) {
    const std::size_t bytes = size * sizeof(std::uint32_t);
    return set.find_or_add(
        hash_bytes(block, bytes),
        [&](std::uint32_t offset) { return same_block(arena, offset, block, size, size_at); },
        [&] {
          if (arena.size() >= kPayloadLimit) throw_full(full);
          arena.append(block, size);
          return static_cast<std::uint32_t>(arena.size() - size);
        });
  }

  template <class SizeAt>
  static bool same_block(const Arena<std::uint32_t>& arena, std::uint32_t offset,
                         const std::uint32_t* block, std::size_t size, SizeAt size_at) {
    return size_at(offset) == size &&
           std::memcmp(arena.data() + offset, block, size * sizeof(std::uint32_t)) == 0;
  }
  std::size_t shape_size(std::uint32_t at) const { return std::size_t{1} + keys[at]; }

  // Containers are built bottom-up on `values`: begin_* pushes the header placeholder, the
  // members' words follow, and end_* replaces them all with the container's word.
  void begin_array() { values.push_back(0); }
  std::uint32_t end_array(std::size_t start) {
    const std::size_t size = values.size() - start;
    values[start] = static_cast<std::uint32_t>(size - 1);
    const std::uint32_t offset = intern_block(
        array_set, words, values.data() + start, size,
        [&](std::uint32_t at) { return std::size_t{1} + words[at]; }, "array words");
    values.resize(start);
    return word(kArrayTag, offset);
  }

  void begin_object() {
    values.push_back(0);
    member_keys.push_back(0);
  }
  void add_member(std::string_view key, std::uint32_t value) {
    member_keys.push_back(intern_string_id(key));
    values.push_back(value);
  }
  // `text_keys`: the keys are as text gave them, which may repeat one (a known shape has no
  // repeats, so most objects need no check).
  std::uint32_t end_object(std::size_t start, std::size_t key_start, bool text_keys = false) {
    member_keys[key_start] = static_cast<std::uint32_t>(values.size() - start - 1);
    const std::uint32_t known = text_keys ? known_shape(key_start) : kNone;
    if (text_keys && known == kNone) drop_repeated_keys(start, key_start);
    const std::size_t size = values.size() - start;
    member_keys[key_start] = static_cast<std::uint32_t>(size - 1);
    values[start] = known != kNone
                        ? known
                        : intern_block(
                              shape_set, keys, member_keys.data() + key_start, size,
                              [&](std::uint32_t at) { return shape_size(at); }, "key words");
    const std::uint32_t offset = intern_block(
        object_set, words, values.data() + start, size,
        [&](std::uint32_t at) { return std::size_t{1} + keys[words[at]]; }, "object words");
    values.resize(start);
    member_keys.resize(key_start);
    return word(kObjectTag, offset);
  }

  std::uint32_t add(const Json& value, std::size_t depth) {
    switch (value.type()) {
      case Json::value_t::null:
        return kNullWord;
      case Json::value_t::boolean:
        return value.get<bool>() ? kTrueWord : kFalseWord;
      case Json::value_t::number_integer:
        return add_integer(value.get<std::int64_t>());
      case Json::value_t::number_unsigned:
        return add_unsigned(value.get<std::uint64_t>());
      case Json::value_t::number_float:
        return add_double(value.get<double>());
      case Json::value_t::string:
        return intern_string(value.get_ref<const std::string&>());
      case Json::value_t::array: {
        if (depth >= kMaxDepth) throw_too_deep();
        const std::size_t start = values.size();
        begin_array();
        for (const Json& element : value) {
          const std::uint32_t element_word = add(element, depth + 1);
          values.push_back(element_word);
        }
        return end_array(start);
      }
      case Json::value_t::object: {
        if (depth >= kMaxDepth) throw_too_deep();
        const std::size_t start = values.size(), key_start = member_keys.size();
        begin_object();
        for (auto it = value.begin(); it != value.end(); ++it) {
          const std::uint32_t member_word = add(it.value(), depth + 1);
          add_member(it.key(), member_word);
        }
        return end_object(start, key_start);
      }
      default:
        throw InputError("a " + std::string(value.type_name()) +
                         " value is not JSON text and cannot be stored");
    }
  }

  // simdjson has checked the depth already.
  std::uint32_t add(dom::element value) {
    switch (value.type()) {
      case dom::element_type::NULL_VALUE:
        return kNullWord;
      case dom::element_type::BOOL:
        return value.get_bool().value_unsafe() ? kTrueWord : kFalseWord;
      case dom::element_type::INT64:
        return add_integer(value.get_int64().value_unsafe());
      case dom::element_type::UINT64:
        return add_unsigned(value.get_uint64().value_unsafe());
      case dom::element_type::DOUBLE:
        return add_double(value.get_double().value_unsafe());
      case dom::element_type::STRING:
        return intern_string(value.get_string().value_unsafe());
      case dom::element_type::ARRAY: {
        const std::size_t start = values.size();
        begin_array();
        for (dom::element element : dom::array(value)) {
          const std::uint32_t element_word = add(element);
          values.push_back(element_word);
        }
        return end_array(start);
      }
      case dom::element_type::OBJECT: {
        const std::size_t start = values.size(), key_start = member_keys.size();
        begin_object();
        for (dom::key_value_pair member : dom::object(value)) {
          const std::uint32_t member_word = add(member.value);
          add_member(member.key, member_word);
        }
        return end_object(start, key_start, true);
      }
    }
    return kNullWord;  // every element_type is handled above
  }

  // The shape of the object being built at `key_start`, when some object had it already.
  std::uint32_t known_shape(std::size_t key_start) const {
    const std::uint32_t* block = member_keys.data() + key_start;
    const std::size_t size = member_keys.size() - key_start;
    return shape_set.find(hash_bytes(block, size * sizeof(std::uint32_t)), [&](std::uint32_t at) {
      return same_block(keys, at, block, size,
                        [&](std::uint32_t offset) { return shape_size(offset); });
    });
  }

  // Text may repeat a key (simdjson keeps every copy). Like nlohmann, keep the last value; it
  // takes the first copy's place, as in JavaScript. A small hash per object keeps this linear.
  void drop_repeated_keys(std::size_t start, std::size_t key_start) {
    const std::size_t count = values.size() - start - 1;
    if (count < 2) return;
    std::uint32_t* member_values = values.data() + start + 1;
    std::uint32_t* member_ids = member_keys.data() + key_start + 1;
    const std::size_t mask = std::bit_ceil(count * 2) - 1;
    member_index.assign(mask + 1, kNone);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint32_t id = member_ids[i];
      std::size_t slot = (id * 2654435761u) & mask;
      while (member_index[slot] != kNone && member_ids[member_index[slot]] != id)
        slot = (slot + 1) & mask;
      if (member_index[slot] != kNone) {
        member_values[member_index[slot]] = member_values[i];
        continue;
      }
      member_index[slot] = static_cast<std::uint32_t>(kept);
      member_ids[kept] = id;
      member_values[kept] = member_values[i];
      ++kept;
    }
    values.resize(start + 1 + kept);
    member_keys.resize(key_start + 1 + kept);
  }

  simdjson::simdjson_result<dom::element> parse(std::string_view text, std::size_t capacity) {
    if (capacity >= text.size() + kPadding)
      return parser.parse(simdjson::padded_string_view(text, capacity));
    padded_copy.reserve(text.size() + kPadding);
    padded_copy.assign(text);
    return parser.parse(simdjson::padded_string_view(padded_copy));
  }

  std::uint32_t with_member(std::uint32_t object, std::string_view key, std::uint32_t value) {
    const std::uint32_t key_id = intern_string_id(key);
    const std::uint32_t at = payload_of(object), shape = words[at];
    begin_object();
    bool replaced = false;
    for (std::uint32_t i = 0; i < keys[shape]; ++i) {
      const std::uint32_t member_key = keys[shape + 1 + i];
      replaced = replaced || member_key == key_id;
      member_keys.push_back(member_key);
      values.push_back(member_key == key_id ? value : words[at + 1 + i]);
    }
    if (!replaced) {
      member_keys.push_back(key_id);
      values.push_back(value);
    }
    return end_object(0, 0);
  }

  // What a document that threw half-way left.
  void clear_scratch() {
    values.clear();
    member_keys.clear();
  }
};

DocStore::DocStore() : impl_(std::make_unique<Impl>()) {}
DocStore::~DocStore() = default;
DocStore::DocStore(DocStore&&) noexcept = default;
DocStore& DocStore::operator=(DocStore&&) noexcept = default;

DocStore::Value DocStore::add(const Json& document) {
  impl_->clear_scratch();
  return Value{impl_->add(document, 0)};
}

DocStore::Value DocStore::add_json(std::string_view text, std::size_t capacity) {
  dom::element root;
  const simdjson::error_code error = impl_->parse(text, capacity).get(root);
  if (error == simdjson::DEPTH_ERROR) throw_too_deep();
  if (error == simdjson::NUMBER_ERROR) {
    // simdjson refuses integers beyond 64 bits, which nlohmann reads as doubles (members then
    // come sorted, as from add(Json)).
    const Json document = Json::parse(text.begin(), text.end(), nullptr, false);
    if (!document.is_discarded()) return add(document);
  }
  if (error) throw locate_json_error(text, simdjson::error_message(error));
  impl_->clear_scratch();
  return Value{impl_->add(root)};
}

DocStore::Value DocStore::with_member(Value object, std::string_view key, Value value) {
  if (tag_of(object.word) != kObjectTag)
    throw std::invalid_argument("DocStore::with_member: not an object");
  impl_->clear_scratch();
  return Value{impl_->with_member(object.word, key, value.word)};
}

DocStore::Kind DocStore::kind(Value value) const {
  switch (tag_of(value.word)) {
    case kConstantTag:
      return payload_of(value.word) == 0 ? Kind::kNull : Kind::kBool;
    case kInlineTag:
    case kNumberTag:
      return Kind::kNumber;
    case kStringTag:
      return Kind::kString;
    case kArrayTag:
      return Kind::kArray;
    case kObjectTag:
      return Kind::kObject;
  }
  return Kind::kMissing;
}

Json DocStore::to_json(Value value) const { return impl_->to_json(value.word); }

bool DocStore::boolean(Value value) const { return value.word == kTrueWord; }

std::string_view DocStore::string(Value value) const {
  return impl_->string_of(payload_of(value.word));
}

std::size_t DocStore::size(Value value) const {
  const std::uint32_t header = impl_->words[payload_of(value.word)];
  return tag_of(value.word) == kArrayTag ? header : impl_->keys[header];
}

DocStore::Value DocStore::element(Value array, std::size_t i) const {
  return Value{impl_->words[payload_of(array.word) + 1 + i]};
}

std::string_view DocStore::key(Value object, std::size_t i) const {
  return impl_->string_of(impl_->keys[impl_->shape_of(object.word) + 1 + i]);
}

DocStore::Value DocStore::member(Value object, std::size_t i) const {
  return Value{impl_->words[payload_of(object.word) + 1 + i]};
}

DocStore::Value DocStore::get(Value object, std::string_view key) const {
  if (tag_of(object.word) != kObjectTag) return kMissing;
  const std::uint32_t key_id = impl_->find_string_id(key);
  if (key_id == kNone) return kMissing;
  const std::uint32_t slot = impl_->slot_of(impl_->shape_of(object.word), key_id);
  return slot == kNone ? kMissing : member(object, slot);
}

DocStore::Value DocStore::find_string(std::string_view text) const {
  const std::uint32_t id = impl_->find_string_id(text);
  return id == kNone ? kMissing : Value{word(kStringTag, id)};
}

std::size_t DocStore::bytes() const { return impl_->bytes(); }

DocStore::KeyLookup::KeyLookup(const DocStore& store, std::string_view key)
    : store_(&store), key_(store.find_string(key).word) {}

DocStore::Value DocStore::KeyLookup::operator()(Value object) {
  if (tag_of(object.word) != kObjectTag) return kMissing;
  const std::uint32_t* block = store_->impl_->words.data() + payload_of(object.word);
  if (block[0] != shape_) {
    shape_ = block[0];
    slot_ = key_ == kMissing.word ? kNone : store_->impl_->slot_of(shape_, payload_of(key_));
  }
  return slot_ == kNone ? kMissing : Value{block[1 + slot_]};
}

}  // namespace custos
