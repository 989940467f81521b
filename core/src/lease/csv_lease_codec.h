// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/lease/lease4.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace kahu {

/// Kea's memfile CSV lease format (csv_lease_file4.cc), byte for byte.
///
/// Rows are written with the 2.4+ header (schema 3.0, with pool_id). Reading accepts any header
/// whose columns start with the schema's first nine names in order (2.0 up to 3.0 files, i.e.
/// Kea 2.2 files), fills missing trailing columns with defaults and ignores extra trailing ones.
class CsvLeaseCodec {
public:
    /// The header Kahu writes (no trailing newline).
    static constexpr std::string_view kHeader =
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,"
        "state,user_context,pool_id";
    /// Number of columns in kHeader.
    static constexpr size_t kColumns = 12;
    /// Kea's minimum: every column up to hostname must be present.
    static constexpr size_t kMinColumns = 9;

    /// Validates a header line. Returns the file's column count, or std::nullopt (with *error
    /// set) when it is not a lease4 header.
    static std::optional<size_t> parseHeader(std::string_view line, std::string* error);

    /// One data row for the lease, newline included. Throws kahu::StoreError for a lease Kea
    /// would refuse to write (neither hw-address nor client-id, and not declined).
    static std::string formatRow(const Lease4& lease);
    /// Appends the row to out (avoids a temporary when writing many rows).
    static void appendRow(std::string& out, const Lease4& lease);

    /// Parses one row (no newline) of a file with `columns` columns. std::nullopt with *error
    /// set when the row is malformed.
    static std::optional<Lease4> parseRow(std::string_view line, size_t columns,
                                          std::string* error);
    /// The loader's fast path: parses a well-formed row into out, reusing its buffers (no
    /// allocation per row). Returns false, with out unspecified, whenever the row is not in
    /// the plain form Kahu and Kea write (bad, or unusual, e.g. with a user context): the
    /// caller then asks parseRow, which decides and explains. When it returns true, out is
    /// exactly what parseRow would return.
    static bool parseRowFast(std::string_view line, size_t columns, Lease4& out);

    /// `,` → `&#x2c`, `&` → `&#x26` (Kea's CSVFile::escapeCharacters for ",").
    static std::string escape(std::string_view text);
    /// Reverses escape: every `&#xHH` (two hex digits) becomes the byte HH.
    static std::string unescape(std::string_view text);
};

} // namespace kahu
