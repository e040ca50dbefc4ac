// A parser for STIX 2.x patterning comparison expressions (STIX 2.1 §9), replacing MVT's split-on-'='.
// It understands the whole grammar (observation expressions, AND/OR/FOLLOWEDBY, parentheses, qualifiers,
// every comparison operator and literal) so that it can say precisely what it skips and where; the IOC
// engine then keeps the comparisons it can match (single `=` comparisons, possibly OR-ed together).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lumiere::ioc::stix {

enum class Op {
  kEqual,
  kNotEqual,
  kGreater,
  kLess,
  kGreaterEqual,
  kLessEqual,
  kIn,
  kLike,
  kMatches,
  kIsSubset,
  kIsSuperset
};

struct Comparison {
  std::string object_type;  // "domain-name", "file", ...
  // Property path with quotes removed ("value", "hashes.SHA-256"); see normalised_key().
  std::string property;
  Op op = Op::kEqual;
  bool negated = false;
  bool string_value = false;  // the literal was a '...' string (after unescaping \' and \\)
  std::string value;          // the literal's text (unescaped for strings; as written otherwise)
};

// "object:property" with hash names normalised the MVT way: in the part after `hashes.` or `cert.`, quotes
// and '-' removed and lowercased, so `file:hashes.'SHA-256'`, `file:hashes.SHA256` and `file:hashes.sha256`
// are the same key.
std::string normalised_key(const Comparison& comparison);

struct Pattern {
  // The pattern in disjunctive normal form: any one inner vector (all of its comparisons together)
  // satisfies the pattern. A single-comparison alternative is a usable indicator.
  std::vector<std::vector<Comparison>> alternatives;
  bool has_qualifiers = false;  // WITHIN / REPEATS / START-STOP were present (ignored for matching)
};

// Limits against hostile input: nesting depth and the size of the DNF expansion.
inline constexpr std::size_t kMaxPatternDepth = 64;
inline constexpr std::size_t kMaxAlternatives = 4096;

// Parses `text`; the error message names the byte offset of the problem within the pattern.
Result<Pattern> parse_pattern(std::string_view text);

}  // namespace lumiere::ioc::stix
