// SPDX-License-Identifier: MPL-2.0
// libFuzzer target: Kea's memfile lease file as Kahu reads and writes it
// (core/src/lease/csv_lease_codec.cc, csv_lease_file.cc). The input is a lease file: a header
// line, then rows.
//
// Per line, with the header's column count (the current one when the header is refused):
//   * CsvLeaseCodec::parseRow; whatever parses must format (formatRow, unless it is a lease
//     Kea refuses to write: StoreError) and parse back to the same lease;
//   * CsvLeaseCodec::parseRowFast, the loader's fast path: when it accepts a row it must give
//     exactly what parseRow gives;
//   * unescape(escape(x)) == x for the line.
// Then (for one input length in eight, see below) the whole input as a file: CsvLeaseFile::load
// (the start-up load: last row per address wins, lifetime 0 deletes, bad rows skipped and
// reported), CsvLeaseFile::writeAll of what it loaded (what LFC writes) and a second load, which
// must give the same leases.
#include "fuzz_common.h"
#include "lease/csv_lease_codec.h"
#include "lease/csv_lease_file.h"
#include "lease/lease_index.h"

#include <kahu/error.h>
#include <kahu/lease/lease_json.h>
#include <string>
#include <unistd.h>

namespace {

using namespace kahu;

std::string dir;

std::string describe(const Lease4& l) {
    nlohmann::json j = leaseToJson(l);
    j["cltt"] = l.cltt;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void checkRow(std::string_view line, size_t columns) {
    std::string error;
    std::optional<Lease4> lease = CsvLeaseCodec::parseRow(line, columns, &error);
    Lease4 fast;
    if (CsvLeaseCodec::parseRowFast(line, columns, fast)) {
        FUZZ_CHECK(lease.has_value(), "parseRowFast accepted a row parseRow refuses",
                   std::string(line) + " -> " + error);
        FUZZ_CHECK(fast == *lease, "parseRowFast and parseRow disagree",
                   describe(fast) + " vs " + describe(*lease));
    }
    if (!lease) {
        FUZZ_CHECK(!error.empty(), "a refused row without a reason");
        return;
    }
    std::string row;
    try {
        row = CsvLeaseCodec::formatRow(*lease);
    } catch (const StoreError&) {
        return; // neither hw-address nor client-id: Kea does not write it either
    }
    FUZZ_CHECK(!row.empty() && row.back() == '\n' && row.find('\n') == row.size() - 1,
               "a formatted row is not one line", row);
    std::string_view body(row.data(), row.size() - 1);
    std::string error2;
    auto back = CsvLeaseCodec::parseRow(body, CsvLeaseCodec::kColumns, &error2);
    FUZZ_CHECK(back.has_value(), "a formatted row does not parse", row + " -> " + error2);
    // The user context is printed as Kea prints it, doubles with six significant digits, so a
    // double may come back rounded; everything else survives exactly, and the row it gives is
    // a fixed point.
    Lease4 a = *lease, b = *back;
    a.userContext = nullptr;
    b.userContext = nullptr;
    FUZZ_CHECK(a == b, "a row does not survive format and parse",
               std::string(line) + "\n" + row + describe(*lease) + "\n" + describe(*back));
    FUZZ_CHECK(CsvLeaseCodec::formatRow(*back) == row, "a formatted row is not a fixed point",
               row + CsvLeaseCodec::formatRow(*back));
    Lease4 fastBack;
    if (CsvLeaseCodec::parseRowFast(body, CsvLeaseCodec::kColumns, fastBack)) {
        FUZZ_CHECK(fastBack == *back, "parseRowFast misreads a formatted row", row);
    }
}

void checkFile(std::string_view text) {
    const std::string in = dir + "/in.csv";
    const std::string out = dir + "/out.csv";
    FILE* f = std::fopen(in.c_str(), "w");
    if (!f) {
        fuzz::fail("cannot write the scratch lease file", in);
    }
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);

    LeaseIndex loaded;
    LeaseLoadReport report;
    try {
        CsvLeaseFile::load(in, loaded, report, 0);
    } catch (const StoreError&) {
        return; // a bad header
    }
    FUZZ_CHECK(report.badRows == report.warnings.size(), "one warning per bad row expected");
    FUZZ_CHECK(loaded.size() <= report.rows, "more leases than rows");
    try {
        CsvLeaseFile::writeAll(out, loaded);
    } catch (const StoreError& e) {
        fuzz::fail("a loaded lease set cannot be written back (LFC would fail)", e.what());
    }
    LeaseIndex again;
    LeaseLoadReport report2;
    try {
        CsvLeaseFile::load(out, again, report2, 0);
    } catch (const StoreError& e) {
        fuzz::fail("a written lease file does not load", e.what());
    }
    FUZZ_CHECK(report2.badRows == 0, "a written lease file has bad rows",
               report2.warnings.empty() ? "" : report2.warnings.front());
    auto a = loaded.all();
    auto b = again.all();
    FUZZ_CHECK(a.size() == b.size(), "written and reloaded lease counts differ");
    for (size_t i = 0; i < a.size(); ++i) {
        // As in checkRow (which also checks the fixed point): a user context's doubles may come
        // back rounded to Kea's six digits.
        Lease4 x = a[i], y = b[i];
        x.userContext = nullptr;
        y.userContext = nullptr;
        FUZZ_CHECK(x == y, "a lease changed through write and reload",
                   describe(a[i]) + "\n" + describe(b[i]));
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quietLogging();
    fuzz::oneSampleStatistics();
    const char* base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    std::string tmpl = std::string(base) + "/kahu-fuzz-csv.XXXXXX";
    if (!mkdtemp(tmpl.data())) {
        fuzz::fail("mkdtemp", tmpl);
    }
    dir = tmpl;
    std::atexit([] {
        ::unlink((dir + "/in.csv").c_str());
        ::unlink((dir + "/out.csv").c_str());
        ::rmdir(dir.c_str());
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto lines = fuzz::split(text, "\n");
    std::string error;
    auto columns = CsvLeaseCodec::parseHeader(lines.front(), &error);
    size_t n = columns.value_or(CsvLeaseCodec::kColumns);
    for (size_t i = 1; i < lines.size() && i < 200; ++i) {
        checkRow(lines[i], n);
        std::string escaped = CsvLeaseCodec::escape(lines[i]);
        FUZZ_CHECK(escaped.find(',') == std::string::npos, "escape left a comma");
        FUZZ_CHECK(CsvLeaseCodec::unescape(escaped) == lines[i], "unescape(escape(x)) != x");
    }
    // The loader allocates a 4 MiB read buffer per file, which costs ASan a few milliseconds
    // in page faults: the file round trip runs for one input size in eight only (a mutation
    // away for the fuzzer), so the row checks keep their speed.
    if (size % 8 == 0) {
        checkFile(text);
    }
    return 0;
}
