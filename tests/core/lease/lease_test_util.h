// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <filesystem>
#include <fstream>
#include <kahu/lease/lease4.h>
#include <sstream>
#include <stdlib.h>
#include <string>

namespace kahu::test {

/// A fresh directory under /tmp, removed with everything in it.
class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/kahu-lease-XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

inline bool fileExists(const std::string& path) {
    return std::filesystem::exists(path);
}

/// A lease with every field set; vary it through n.
inline Lease4 makeLease(uint32_t n, int64_t cltt = 1795400000) {
    Lease4 l;
    l.address = Ipv4Address(0x0a4d0000u + n); // 10.77.x.y
    l.hwAddr = *HwAddr::fromText("02:00:00:00:00:" + std::to_string(10 + n % 90));
    l.clientId = {0x01, 0x02, 0x00, 0x00, 0x00, uint8_t(n >> 8), uint8_t(n)};
    l.validLifetime = 4000;
    l.cltt = cltt;
    l.subnetId = 1;
    l.hostname = "host" + std::to_string(n) + ".example.org";
    l.fqdnFwd = true;
    l.fqdnRev = false;
    return l;
}

} // namespace kahu::test
