// The facts codec.
#include "onyx/ingest/file_facts.h"

#include "onyx/core/coding.h"

namespace onyx::ingest {
namespace {

constexpr std::uint8_t kFormat = 1;

bool ReadName(core::ByteReader& r, std::string* out) {
  return r.ReadLengthPrefixed(out, kMaxFactNameBytes);
}

bool ReadCount(core::ByteReader& r, std::uint64_t* n, std::string_view what) {
  if (!r.ReadVarint64(n)) return false;
  // Every entry takes at least 5 bytes: refuse counts the input cannot hold
  // before reserving memory for them.
  if (*n > kMaxFactsPerFile || *n > r.remaining() / 5) {
    return r.Fail(std::string(what) + " count " + std::to_string(*n) + " is over the limit");
  }
  return true;
}

}  // namespace

std::string EncodeFileFacts(const FileFacts& facts) {
  std::string out;
  out.push_back(static_cast<char>(kFormat));
  core::PutVarint64(&out, facts.imports.size());
  for (const ImportFact& i : facts.imports) {
    core::PutLengthPrefixed(&out, i.module);
    core::PutLengthPrefixed(&out, i.name);
    core::PutLengthPrefixed(&out, i.alias);
    out.push_back(i.reexport ? 1 : 0);
    core::PutSpan(&out, i.span);
  }
  core::PutVarint64(&out, facts.references.size());
  for (const ReferenceFact& ref : facts.references) {
    out.push_back(static_cast<char>(ref.kind));
    core::PutLengthPrefixed(&out, ref.name);
    core::PutLengthPrefixed(&out, ref.qualifier);
    core::PutLengthPrefixed(&out, ref.subject);
    core::PutSpan(&out, ref.span);
  }
  return out;
}

Result<FileFacts> DecodeFileFacts(std::string_view bytes) {
  core::ByteReader r(bytes);
  FileFacts facts;
  std::uint8_t format = 0;
  if (r.ReadByte(&format) && format != kFormat) {
    r.Fail("facts format " + std::to_string(format) + " is not known");
  }
  std::uint64_t n = 0;
  if (!r.failed() && ReadCount(r, &n, "import")) {
    facts.imports.resize(n);
    for (ImportFact& i : facts.imports) {
      std::uint8_t reexport = 0;
      if (!(ReadName(r, &i.module) && ReadName(r, &i.name) && ReadName(r, &i.alias) &&
            r.ReadByte(&reexport) && r.ReadSpan(&i.span))) {
        break;
      }
      if (reexport > 1) r.Fail("re-export flag " + std::to_string(reexport) + " is not 0 or 1");
      i.reexport = reexport == 1;
    }
  }
  if (!r.failed() && ReadCount(r, &n, "reference")) {
    facts.references.resize(n);
    for (ReferenceFact& ref : facts.references) {
      std::uint8_t kind = 0;
      if (!r.ReadByte(&kind)) break;
      if (kind < 1 || kind > 5) {
        r.Fail("reference kind " + std::to_string(kind) + " is not defined");
        break;
      }
      ref.kind = static_cast<ReferenceKind>(kind);
      if (!(ReadName(r, &ref.name) && ReadName(r, &ref.qualifier) && ReadName(r, &ref.subject) &&
            r.ReadSpan(&ref.span))) {
        break;
      }
    }
  }
  if (!r.failed() && !r.AtEnd()) r.Fail("trailing bytes");
  if (r.failed()) return r.Error("file facts");
  return facts;
}

ContentHash FactsKey(const ContentHash& source) {
  return HashContent("onyx.facts.v" + std::to_string(kFactsVersion) + ":" + source.ToHex());
}

}  // namespace onyx::ingest
