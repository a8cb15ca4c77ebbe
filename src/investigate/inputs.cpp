#include "investigate/inputs.h"

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "aws/client.h"
#include "core/error.h"

namespace custos::investigate {
namespace {

namespace fs = std::filesystem;

int digits_value(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return text.empty() ? -1 : value;
}

bool listed(const std::vector<std::string>& wanted, std::string_view value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

// Whether the days [first, last] meet the days files of the window are delivered on.
bool days_meet(const LayoutFilter& f, std::int64_t first, std::int64_t last) {
  if (f.since && last < day_of(*f.since)) return false;
  if (f.until && first > day_of(*f.until) + 1) return false;
  return true;
}

bool service_folder(LogKind kind, std::string_view name) {
  switch (kind) {
    case LogKind::kFlowLogs:
      return name == "vpcflowlogs";
    case LogKind::kCloudTrailDigests:  // Insights files are not in digests
      return name == "CloudTrail" || name == "CloudTrail-Digest";
    case LogKind::kCloudTrail:
      break;
  }
  return name == "CloudTrail" || name == "CloudTrail-Insight";
}

// The names a folder walk reads (a file named on the command line is always read).
bool log_file_name(LogKind kind, std::string_view name) {
  if (name.ends_with(".gz")) name.remove_suffix(3);
  if (kind == LogKind::kFlowLogs) return name.ends_with(".log") || name.ends_with(".txt");
  if (kind == LogKind::kCloudTrailDigests) return name.ends_with(".json");
  if (name.find("CloudTrail-Digest") != std::string_view::npos) return false;
  return name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".ndjson");
}

// An S3 object read in ranges of kRange bytes: a worker holds one range, whatever the object's
// size. The ranges after the first ask for the first's ETag, so that an object replaced while
// it is read is reported rather than read as a mix of two.
class S3Object : public ByteSource {
 public:
  static constexpr std::uint64_t kRange = std::uint64_t{8} << 20;

  S3Object(const aws::Client& client, std::string name, std::uint64_t listed_size)
      : client_(client), location_(*parse_s3_url(name)), size_(listed_size) {
    // Each range is a new allocation, freed when the next comes. glibc's dynamic threshold would
    // move such blocks from mmap into the heap after the first is freed, where they fragment it:
    // 81 MB -> 120 MB of memory between a 24 MB and a 96 MB object. Mapped, they give it back.
    static const int mapped = mallopt(M_MMAP_THRESHOLD, 1 << 20);
    (void)mapped;
  }

  std::size_t read(char* into, std::size_t max) override {
    std::size_t got = 0;
    while (got < max) {
      if (at_ == held_.size()) {
        if (fetched_ && next_ >= size_) break;
        fetch();
      }
      std::size_t n = std::min(max - got, held_.size() - at_);
      std::memcpy(into + got, held_.data() + at_, n);
      at_ += n;
      got += n;
    }
    return got;
  }
  std::uint64_t size() const override { return size_; }
  Json metadata() const override { return metadata_; }

 private:
  void fetch() {
    Json params = {{"Bucket", location_.bucket}, {"Key", location_.prefix}};
    bool ranged = size_ > kRange;
    if (ranged) params["Range"] = fmt::format("bytes={}-{}", next_, next_ + kRange - 1);
    if (!etag_.empty()) params["IfMatch"] = etag_;
    Json object;
    try {
      object = client_.call("s3", "GetObject", params, held_);
    } catch (const aws::AwsError& e) {
      if (e.code() == "PreconditionFailed")
        throw InputProblem(next_, "the object changed while it was read (read it again)");
      throw InputProblem(next_, std::string("cannot read: ") + e.what());
    } catch (const Error& e) {
      throw InputProblem(next_, std::string("cannot read: ") + e.what());
    }
    if (!fetched_) {
      etag_ = object.value("ETag", "");
      metadata_ = object.value("Metadata", Json::object());
      size_ = ranged ? total_of(object.value("ContentRange", "")) : held_.size();
    }
    fetched_ = true;
    if (held_.empty() && next_ < size_)
      throw InputProblem(next_, "the object ended at byte " + std::to_string(next_) + " of " +
                                    std::to_string(size_));
    next_ += held_.size();
    at_ = 0;
  }

  // The object's size from a range's Content-Range ("bytes 0-8388607/123456789").
  std::uint64_t total_of(std::string_view range) const {
    std::size_t slash = range.rfind('/');
    std::uint64_t total = 0;
    if (slash == std::string_view::npos ||
        std::from_chars(range.data() + slash + 1, range.data() + range.size(), total).ec !=
            std::errc())
      throw InputProblem(0, "S3 answered a range without its size (Content-Range: \"" +
                                std::string(range) + "\")");
    return total;
  }

  const aws::Client& client_;
  S3Location location_;  // parsed once: every range names the same object
  std::uint64_t size_;
  std::uint64_t next_ = 0;  // the object's offset of the next range
  std::string held_;        // the range last fetched
  std::size_t at_ = 0;      // how much of it has been handed on
  bool fetched_ = false;
  std::string etag_;
  Json metadata_;
};

}  // namespace

bool LayoutFilter::admits(std::string_view path) const {
  std::size_t at = path.rfind("AWSLogs/");
  if (at == std::string_view::npos) return true;
  std::vector<std::string_view> parts;  // the folders below AWSLogs/ (not a file's name)
  std::string_view rest = path.substr(at + 8);
  for (std::size_t slash; (slash = rest.find('/')) != std::string_view::npos;) {
    parts.push_back(rest.substr(0, slash));
    rest.remove_prefix(slash + 1);
  }
  std::size_t i = 0;
  if (i < parts.size() && parts[i].starts_with("o-")) ++i;  // an organization trail
  if (i < parts.size() && !listed(accounts, parts[i])) return false;
  if (++i < parts.size() && !service_folder(kind, parts[i])) return false;
  if (++i < parts.size() && !listed(regions, parts[i])) return false;
  if (++i >= parts.size()) return true;
  int year = digits_value(parts[i]);
  if (year < 0) return true;
  int month = i + 1 < parts.size() ? digits_value(parts[i + 1]) : -1;
  int day = i + 2 < parts.size() ? digits_value(parts[i + 2]) : -1;
  if (month < 1)
    return days_meet(*this, days_from_civil(year, 1, 1), days_from_civil(year, 12, 31));
  if (day < 1) {
    std::int64_t first = days_from_civil(year, month, 1);
    std::int64_t next =
        month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, month + 1, 1);
    return days_meet(*this, first, next - 1);
  }
  std::int64_t d = days_from_civil(year, month, day);
  return days_meet(*this, d, d);
}

struct InputSet::Impl {
  std::vector<std::string> sources;
  LayoutFilter filter;
  std::function<aws::Client()> make_client;
  mutable std::once_flag client_once;
  mutable std::unique_ptr<aws::Client> client;

  const aws::Client& s3() const {
    std::call_once(client_once, [&] { client = std::make_unique<aws::Client>(make_client()); });
    return *client;
  }

  void list_local(const std::string& source, std::vector<Input>& out) const {
    std::error_code error;
    auto status = fs::status(source, error);
    if (error || !fs::exists(status))
      throw InputError("no such file or folder: " + source + " (check the path)");
    if (!fs::is_directory(status)) {
      out.push_back({source, static_cast<std::uint64_t>(fs::file_size(source, error))});
      return;
    }
    std::vector<Input> found;
    for (auto it = fs::recursive_directory_iterator(
             source, fs::directory_options::follow_directory_symlink, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      std::string path = it->path().string();
      if (it->is_directory()) {
        if (!filter.admits(path + "/")) it.disable_recursion_pending();
      } else if (it->is_regular_file() &&
                 log_file_name(filter.kind, it->path().filename().string()) &&
                 filter.admits(path)) {
        found.push_back({path, static_cast<std::uint64_t>(it->file_size())});
      }
    }
    if (error) throw Error("cannot list " + source + ": " + error.message());
    std::sort(found.begin(), found.end(),
              [](const Input& a, const Input& b) { return a.name < b.name; });
    out.insert(out.end(), found.begin(), found.end());
  }

  void list_s3(const S3Location& location, std::vector<Input>& out) const;
};

void InputSet::Impl::list_s3(const S3Location& location, std::vector<Input>& out) const {
  std::vector<Input> found;
  const std::string url = "s3://" + location.bucket + "/";
  // A folder at a time where the layout can rule folders out, else one flat listing.
  std::vector<std::pair<std::string, bool>> pending = {{location.prefix, filter.narrows()}};
  while (!pending.empty()) {
    auto [prefix, by_folder] = pending.back();
    pending.pop_back();
    Json params = {{"Bucket", location.bucket}, {"Prefix", prefix}};
    if (by_folder) params["Delimiter"] = "/";
    std::vector<std::string> folders;
    s3().paginate("s3", "ListObjectsV2", params, [&](const Json& page) {
      for (const Json& object : page.value("Contents", Json::array())) {
        std::string key = object.value("Key", "");
        std::string name = key.substr(key.rfind('/') + 1);
        bool named = key == location.prefix;  // a single object named on the command line
        if (named || (log_file_name(filter.kind, name) && filter.admits(key)))
          found.push_back({url + key, object.value("Size", std::uint64_t{0})});
      }
      for (const Json& folder : page.value("CommonPrefixes", Json::array())) {
        std::string path = folder.value("Prefix", "");
        if (filter.admits(path)) folders.push_back(path);
      }
      return true;
    });
    for (auto it = folders.rbegin(); it != folders.rend(); ++it) pending.emplace_back(*it, true);
  }
  std::sort(found.begin(), found.end(),
            [](const Input& a, const Input& b) { return a.name < b.name; });
  out.insert(out.end(), found.begin(), found.end());
}

InputSet::InputSet(std::vector<std::string> sources, LayoutFilter filter,
                   std::function<aws::Client()> client)
    : impl_(std::make_unique<Impl>()) {
  impl_->sources = std::move(sources);
  impl_->filter = std::move(filter);
  impl_->make_client = std::move(client);
}

InputSet::~InputSet() = default;

std::vector<Input> InputSet::list() const {
  std::vector<Input> inputs;
  for (const std::string& source : impl_->sources) {
    if (auto location = parse_s3_url(source)) {
      try {
        impl_->list_s3(*location, inputs);
      } catch (const aws::AwsError& e) {
        throw Error("cannot list " + source + ": " + e.what());
      }
    } else {
      impl_->list_local(source, inputs);
    }
  }
  return inputs;
}

const std::vector<std::string>& InputSet::sources() const { return impl_->sources; }

std::unique_ptr<ByteSource> InputSet::open(const Input& input) const {
  if (input.name.starts_with("s3://"))
    return std::make_unique<S3Object>(impl_->s3(), input.name, input.size);
  return open_file(input.name);
}

void InputSet::read(const Input& input, Buffer& bytes, Json* metadata) const {
  std::unique_ptr<ByteSource> source = open(input);
  bytes.reserve(0);
  read_rest(*source, bytes);
  if (metadata) *metadata = source->metadata();
}

}  // namespace custos::investigate
