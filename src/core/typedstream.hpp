// Apple's typedstream (NSArchiver, "streamtyped") encoding, read far enough to get the text out of an archived
// NSAttributedString: iMessage keeps a message's text there (sms.db message.attributedBody), and since iOS 16
// often only there (`text` NULL). Bounded and safe on hostile input: every read is checked against the end of
// the buffer, references against the tables read so far, class chains against a depth limit.
// Format reference: the public descriptions of NeXTSTEP/Apple typedstream (dgelessus/python-typedstream docs).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/result.hpp"

namespace lumiere::typedstream {

// The string of an archived NSAttributedString / NSMutableAttributedString (its first value, an NSString or
// NSMutableString archived as "+" bytes): raw bytes as stored (UTF-8 in practice, not validated here).
// kParse when the data is not a typedstream or is truncated; kUnsupported when it is a typedstream whose
// root object is not an attributed string.
Result<std::string> attributed_string_text(std::span<const std::uint8_t> data);

}  // namespace lumiere::typedstream
