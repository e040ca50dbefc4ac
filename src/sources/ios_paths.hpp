// Where a backup location lives in an iOS filesystem: one table for every source that is not a backup, so
// that a module declares its backup location once and runs unchanged on a dump (HomeDomain + Library/SMS/sms.db
// ↔ private/var/mobile/Library/SMS/sms.db). App containers are folders named by UUID on the device, hence the
// '*' in their places. Modules whose MVT filesystem paths are not the plain mapping (spec §3.3 "fs location")
// are listed by slug.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumiere::sources::ios_paths {

// The folder of a backup domain in the filesystem, with a trailing '/': "private/var/mobile/" for HomeDomain,
// "private/var/mobile/Containers/Data/Application/*/" for AppDomain-<bundle id>. std::nullopt for a domain
// that has no known place.
std::optional<std::string> domain_folder(std::string_view domain);

// The filesystem globs of one backup location: `fs_glob` when the descriptor gives one, else the domain's
// folder + the relative path; an empty domain (any domain) is looked for in the user's home and in the app
// containers. A '*' of the backup location stays within one path component, as Python's glob (MVT's fs paths).
std::vector<std::string> location_globs(std::string_view domain, std::string_view relative_path,
                                        std::string_view fs_glob);

// The globs MVT uses for a module on a filesystem dump when they are not its locations mapped one by one
// (spec §3.3: Safari and WebKit in app containers, locationd in two homes, Firefox's own path...).
std::optional<std::vector<std::string_view>> module_globs(std::string_view module_slug);

// Where the filesystem root is in a dump: the prefix (with a trailing '/', or empty) before "private/var/",
// at the top or inside at most two wrapping folders ("filesystem1/private/var/..."). `var_at_top`: the dump
// starts at "var/" (no "private/"): its logical paths get "private/" in front.
struct DumpRoot {
  std::string prefix;
  bool var_at_top = false;
};
// From the logical paths of the dump's entries (files and folders, '/'-separated, no leading "./").
std::optional<DumpRoot> find_dump_root(const std::vector<std::string>& paths);

}  // namespace lumiere::sources::ios_paths
