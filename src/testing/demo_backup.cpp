#include "testing/demo_backup.hpp"

#include <string>

#include "testing/ios_backup_builder.hpp"

namespace lumiere::testing {

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

namespace {

constexpr const char* kIos15SmsSchema = R"sql(
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
  service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
  handle_id INTEGER DEFAULT 0, subject TEXT, attributedBody BLOB, service TEXT, account TEXT, date INTEGER,
  date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0,
  is_read INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, payload_data BLOB, message_summary_info BLOB);
)sql";

}  // namespace

const char* ios15_sms_schema() {
  return kIos15SmsSchema;
}

namespace {

// iOS 15 Messages store: an SMS with a Pegasus link (Amnesty 2021: links delivered by SMS and iMessage) among
// ordinary messages. Dates are Mac absolute time in nanoseconds.
constexpr const char* kDemoSmsRows = R"sql(
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
  created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT,
  transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT,
  total_bytes INTEGER DEFAULT 0, is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB,
  hide_attachment INTEGER DEFAULT 0, ck_server_change_token_blob BLOB, sr_ck_server_change_token_blob BLOB);
CREATE TABLE message_attachment_join (message_id INTEGER, attachment_id INTEGER, UNIQUE(message_id, attachment_id));
INSERT INTO handle (id, country, service) VALUES ('+41791234567', 'ch', 'iMessage'), ('+447700900123', 'gb', 'SMS');
INSERT INTO message (guid, text, handle_id, service, account, date, date_read, is_delivered, is_from_me, is_read)
VALUES ('9C1B3F0E-5A4D-4E61-9D1A-0F3E9B7C2A11', 'Are we still on for dinner on Friday?', 1, 'iMessage',
        'E:me@icloud.com', 647700000000000000, 647700100000000000, 1, 0, 1),
       ('E1A2B3C4-D5E6-47F8-9A0B-1C2D3E4F5A6B',
        'Your parcel is waiting, confirm delivery: https://smscentro.com/track?id=48291', 2, 'SMS',
        'p:+41798765432', 647790000000000000, 647790300000000000, 1, 0, 1);
)sql";

// DataUsage.sqlite (iOS 14): network use per process; Pegasus's "bh" ran without a bundle id.
constexpr const char* kDemoDataUsage = R"sql(
CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP,
  ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER, ZMETADATA INTEGER,
  ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT,
  ZWIREDIN FLOAT, ZWIREDOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT);
INSERT INTO ZPROCESS VALUES (1, 9, 3, 600000000.0, 647600000.0, 'com.apple.mobilesafari', 'com.apple.mobilesafari');
INSERT INTO ZPROCESS VALUES (2, 9, 1, 647790400.0, 647790900.0, NULL, 'bh');
INSERT INTO ZLIVEUSAGE VALUES (1, 6, 5, 0, 0, 0, 1, NULL, 647600000.0, 52428800.0, 2097152.0, 0, 0, 1048576.0, 65536.0);
INSERT INTO ZLIVEUSAGE VALUES (2, 6, 1, 0, 0, 0, 2, NULL, 647790900.0, 0, 0, 0, 0, 123904.0, 8192.0);
)sql";

// A well-formed, empty preferences file (the demo must not trip its own malformed-plist warning).
constexpr const char* kEmptyPlist =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
    "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict/>\n</plist>\n";

}  // namespace

Result<void> build_demo_backup(const std::filesystem::path& root) {
  IosBackupBuilder builder(root);
  FileMeta early;
  early.birth = early.last_modified = early.last_status_change = 1626000000;  // 2021-07-11
  FileMeta planted;
  planted.birth = 1626100000;
  planted.last_modified = 1626100450;
  planted.last_status_change = 1626100450;
  builder.add_directory("HomeDomain", "Library", early)
      .add_directory("HomeDomain", "Library/Preferences", early)
      .add_file("HomeDomain", "Library/Preferences/com.apple.mobilesafari.plist", kEmptyPlist, early)
      .add_file("HomeDomain", "Library/Preferences/.GlobalPreferences.plist", kEmptyPlist, early)
      // Pegasus left this launch-daemon-named preference file (Amnesty's 2021 methodology, "roleaccountd").
      .add_file("HomeDomain", "Library/Preferences/roleaccountd.plist", kEmptyPlist, planted)
      .add_file("AppDomain-com.apple.mobilesafari",
                "Library/WebKit/WebsiteData/LocalStorage/https_www.wikipedia.org_0.localstorage", "", early)
      // A Safari storage file named after a Pegasus infrastructure domain.
      .add_file("AppDomain-com.apple.mobilesafari",
                "Library/WebKit/WebsiteData/LocalStorage/https_weather4free.com_0.localstorage", "", planted)
      .add_file("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.HEIC", "demo image", early)
      .add_sqlite("HomeDomain", "Library/SMS/sms.db", std::string(kIos15SmsSchema) + kDemoSmsRows, planted)
      .add_sqlite("WirelessDomain", "Library/Databases/DataUsage.sqlite", kDemoDataUsage, planted);
  return builder.write();
}

}  // namespace lumiere::testing
