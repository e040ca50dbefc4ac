#include "cli/demo.hpp"

#include <fmt/core.h>

#include "cli/app.hpp"
#include "cli/check.hpp"
#include "core/temp_dir.hpp"
#include "output/mvt_files.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere::cli {

const char* demo_stix2() {
  return R"stix({"type":"bundle","id":"bundle--7a1f6a0e-4c55-4d3c-9a3e-0b6a3c1b2d01","objects":[
{"type":"malware","spec_version":"2.1","id":"malware--9a0c2f43-1d4b-4b7e-8e57-1f3c2d4e5f60","name":"Pegasus","description":"Demo subset of Amnesty International's public Pegasus indicators (2021-07-18_nso, CC-BY 2.0)","is_family":false},
{"type":"indicator","spec_version":"2.1","id":"indicator--0b1c2d3e-0001-4000-8000-000000000001","pattern":"[domain-name:value='weather4free.com']","pattern_type":"stix","valid_from":"2021-07-18T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--0b1c2d3e-0001-4000-8000-000000000002","pattern":"[domain-name:value='smscentro.com']","pattern_type":"stix","valid_from":"2021-07-18T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--0b1c2d3e-0001-4000-8000-000000000003","pattern":"[process:name='bh']","pattern_type":"stix","valid_from":"2021-07-18T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--0b1c2d3e-0001-4000-8000-000000000004","pattern":"[process:name='fservernetd']","pattern_type":"stix","valid_from":"2021-07-18T00:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--0b1c2d3e-0001-4000-8000-000000000005","pattern":"[file:name='roleaccountd.plist']","pattern_type":"stix","valid_from":"2021-07-18T00:00:00Z"},
{"type":"relationship","spec_version":"2.1","id":"relationship--0b1c2d3e-0002-4000-8000-000000000001","relationship_type":"indicates","source_ref":"indicator--0b1c2d3e-0001-4000-8000-000000000001","target_ref":"malware--9a0c2f43-1d4b-4b7e-8e57-1f3c2d4e5f60"},
{"type":"relationship","spec_version":"2.1","id":"relationship--0b1c2d3e-0002-4000-8000-000000000002","relationship_type":"indicates","source_ref":"indicator--0b1c2d3e-0001-4000-8000-000000000002","target_ref":"malware--9a0c2f43-1d4b-4b7e-8e57-1f3c2d4e5f60"},
{"type":"relationship","spec_version":"2.1","id":"relationship--0b1c2d3e-0002-4000-8000-000000000003","relationship_type":"indicates","source_ref":"indicator--0b1c2d3e-0001-4000-8000-000000000003","target_ref":"malware--9a0c2f43-1d4b-4b7e-8e57-1f3c2d4e5f60"},
{"type":"relationship","spec_version":"2.1","id":"relationship--0b1c2d3e-0002-4000-8000-000000000004","relationship_type":"indicates","source_ref":"indicator--0b1c2d3e-0001-4000-8000-000000000004","target_ref":"malware--9a0c2f43-1d4b-4b7e-8e57-1f3c2d4e5f60"},
{"type":"relationship","spec_version":"2.1","id":"relationship--0b1c2d3e-0002-4000-8000-000000000005","relationship_type":"indicates","source_ref":"indicator--0b1c2d3e-0001-4000-8000-000000000005","target_ref":"malware--9a0c2f43-1d4b-4b7e-8e57-1f3c2d4e5f60"}
]})stix";
}

Result<void> build_demo_backup(const std::filesystem::path& root) {
  testing::IosBackupBuilder builder(root);
  testing::FileMeta early;
  early.birth = early.last_modified = early.last_status_change = 1626000000;  // 2021-07-11
  testing::FileMeta planted;
  planted.birth = 1626100000;
  planted.last_modified = 1626100450;
  planted.last_status_change = 1626100450;
  builder.add_directory("HomeDomain", "Library", early)
      .add_directory("HomeDomain", "Library/Preferences", early)
      .add_file("HomeDomain", "Library/Preferences/com.apple.mobilesafari.plist", "<plist/>", early)
      .add_file("HomeDomain", "Library/Preferences/.GlobalPreferences.plist", "<plist/>", early)
      // Pegasus left this launch-daemon-named preference file (Amnesty's 2021 methodology, "roleaccountd").
      .add_file("HomeDomain", "Library/Preferences/roleaccountd.plist", "<plist/>", planted)
      .add_file("AppDomain-com.apple.mobilesafari",
                "Library/WebKit/WebsiteData/LocalStorage/https_www.wikipedia.org_0.localstorage", "", early)
      // A Safari storage file named after a Pegasus infrastructure domain.
      .add_file("AppDomain-com.apple.mobilesafari",
                "Library/WebKit/WebsiteData/LocalStorage/https_weather4free.com_0.localstorage", "", planted)
      .add_file("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.HEIC", "demo image", early);
  return builder.write();
}

int run_demo(const std::filesystem::path& output) {
  auto work = PrivateTempDir::create("lumiere-demo");
  if (!work) {
    fmt::print(stderr, "lumiere: {}\n", work.error().describe());
    return kExitError;
  }
  const auto backup = work->path() / "backup";
  if (auto ok = build_demo_backup(backup); !ok) {
    fmt::print(stderr, "lumiere: cannot build the demo backup: {}\n", ok.error().describe());
    return kExitError;
  }
  const auto iocs = work->path() / "demo-pegasus.stix2";
  if (auto ok = output::write_text_file(iocs, demo_stix2()); !ok) {
    fmt::print(stderr, "lumiere: {}\n", ok.error().describe());
    return kExitError;
  }
  fmt::print(
      "lumiere demo: scanning a generated example iPhone backup (with planted Pegasus traces)\n"
      "against a small demo set of public Pegasus indicators.\n");
  CheckOptions options;
  options.iocs.push_back(iocs.string());
  options.output = output.string();
  options.only_given_iocs = true;
  const int code = check_ios_backup(backup, options, "lumiere demo");
  // The demo succeeded if it reached a verdict, whatever that verdict is.
  return code == kExitError ? kExitError : kExitClean;
}

}  // namespace lumiere::cli
