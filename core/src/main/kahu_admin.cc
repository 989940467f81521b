// SPDX-License-Identifier: MPL-2.0
// kahu-admin: kea-admin's database commands for the MySQL/MariaDB lease and host stores and the
// PostgreSQL lease store.
//
//   kahu-admin db-init|db-version|db-upgrade mysql [-h host] [-P port] [-u user] [-p password]
//                                                  [-n name] [-x "extra mysql client args"]
//                                                  [--no-stat-triggers]
//   kahu-admin db-init|db-version|db-upgrade pgsql [-h host] [-P port] [-u user] [-p password]
//                                                  [-n name] [-x "extra psql args"]
//
// Like kea-admin it drives the `mysql` or `psql` command-line client with the schema scripts
// that the admin component installs (share/kahu/scripts/mysql and .../pgsql, found next to
// this binary, in the build tree, or in $KAHU_SCRIPTS_DIR). The password goes to the client
// through MYSQL_PWD or PGPASSWORD, never on a command line.
#include "main/entry.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <kahu/paths.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

// The schema versions the mysql store accepts, and the one db-init creates.
constexpr const char* kCurrentVersion = "22.0";
constexpr const char* kSupportedVersions = "14.0, 22.0, 22.1, 22.2";

struct Options {
    std::string command, backend;
    std::string host = "localhost", user = "keatest", password = "keatest", name = "keatest";
    std::string port, extra;
    bool noStatTriggers = false; ///< drop the lease4 triggers that keep lease4_stat counts
};

[[noreturn]] void usage(const std::string& error = {}) {
    if (!error.empty()) {
        std::cerr << "kahu-admin: " << error << "\n";
    }
    std::cerr << "Usage: kahu-admin COMMAND BACKEND [options]\n"
                 "COMMAND: db-init | db-version | db-upgrade\n"
                 "BACKEND: mysql | pgsql\n"
                 "  -h host       database host (default localhost: mysql's unix socket; psql\n"
                 "                connects to localhost over TCP)\n"
                 "  -P port       database TCP port\n"
                 "  -u user       database user (default keatest)\n"
                 "  -p password   database password (default keatest)\n"
                 "  -n name       database name (default keatest)\n"
                 "  -x extra      extra arguments for the mysql or psql client,\n"
                 "                e.g. \"--socket=/path\"\n"
                 "  --no-stat-triggers  (mysql db-init, db-upgrade) drop the lease4 triggers\n"
                 "                that keep lease4_stat and lease4_pool_stat; for several\n"
                 "                servers writing through different nodes of a Galera cluster\n"
                 "                (see the guide)\n";
    std::exit(error.empty() ? EXIT_SUCCESS : EXIT_FAILURE);
}

Options parse(int argc, char** argv) {
    Options o;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage(a + " requires a parameter");
            }
            return argv[++i];
        };
        if (a == "--help") {
            usage();
        } else if (a == "-h" || a == "--host") {
            o.host = value();
        } else if (a == "-P" || a == "--port") {
            o.port = value();
        } else if (a == "-u" || a == "--user") {
            o.user = value();
        } else if (a == "-p" || a == "--password") {
            o.password = value();
        } else if (a == "-n" || a == "--name") {
            o.name = value();
        } else if (a == "-x" || a == "--extra") {
            o.extra += (o.extra.empty() ? "" : " ") + value();
        } else if (a == "--no-stat-triggers") {
            o.noStatTriggers = true;
        } else if (!a.empty() && a[0] == '-') {
            usage("unknown option " + a);
        } else {
            positional.push_back(a);
        }
    }
    if (positional.size() != 2) {
        usage("expected a command and a backend");
    }
    o.command = positional[0];
    o.backend = positional[1];
    if (o.command != "db-init" && o.command != "db-version" && o.command != "db-upgrade") {
        usage("unknown command " + o.command);
    }
    if (o.backend != "mysql" && o.backend != "pgsql") {
        usage("unsupported backend " + o.backend + " (kahu-admin supports mysql and pgsql)");
    }
    if (o.noStatTriggers && o.backend == "pgsql") {
        usage("--no-stat-triggers applies to mysql only");
    }
    if (o.noStatTriggers && o.command == "db-version") {
        usage("--no-stat-triggers applies to db-init and db-upgrade");
    }
    return o;
}

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return q + "'";
}

// The mysql client command line; `extra` stays unquoted so it splits into arguments, as in
// kea-admin.
std::string client(const Options& o, const std::string& args) {
    std::string c = "mysql -N -B --host=" + quote(o.host);
    if (!o.port.empty()) {
        c += " --port=" + quote(o.port);
    }
    c += " --user=" + quote(o.user) + " " + args + " " + quote(o.name);
    if (!o.extra.empty()) {
        c += " " + o.extra;
    }
    return c;
}

// Runs a query; returns the client's exit status and its output.
int query(const Options& o, const std::string& sql, std::string& out) {
    FILE* p = ::popen((client(o, "--execute=" + quote(sql)) + " 2>&1").c_str(), "r");
    if (!p) {
        return -1;
    }
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
        out.append(buf, n);
    }
    int st = ::pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
        out.pop_back();
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Feeds a script to the client; its messages go to our stderr/stdout.
int runScript(const Options& o, const fs::path& script) {
    std::ifstream in(script, std::ios::binary);
    if (!in) {
        std::cerr << "kahu-admin: cannot read " << script << "\n";
        return -1;
    }
    std::stringstream sql;
    sql << in.rdbuf();
    FILE* p = ::popen(client(o, "").c_str(), "w");
    if (!p) {
        return -1;
    }
    std::string text = sql.str();
    std::fwrite(text.data(), 1, text.size(), p);
    int st = ::pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

fs::path scriptsDir() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("KAHU_SCRIPTS_DIR"); env && *env) {
        candidates.emplace_back(env);
    }
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        // Installed: <prefix>/sbin/kahu-admin; build tree: <build>/core/kahu-admin.
        candidates.push_back(exe.parent_path().parent_path() / "share/kahu/scripts/mysql");
    }
    candidates.emplace_back("/usr/local/share/kahu/scripts/mysql");
    candidates.emplace_back("/usr/share/kahu/scripts/mysql");
    for (const auto& c : candidates) {
        if (fs::exists(c / "dhcpdb_create.mysql", ec)) {
            return c;
        }
    }
    std::cerr << "kahu-admin: schema scripts not found (looked in";
    for (const auto& c : candidates) {
        std::cerr << " " << c.string();
    }
    std::cerr << "); install the hook-mysql component or set KAHU_SCRIPTS_DIR\n";
    std::exit(EXIT_FAILURE);
}

int version(const Options& o, std::string& v) {
    return query(o, "SELECT CONCAT_WS('.', version, minor) FROM schema_version", v);
}

// The host tables (dhcpdb_hosts.mysql): created where missing, brought to 22.0 form where
// older; run after every db-init and db-upgrade, as it changes nothing that is current.
bool runHostsScript(const Options& o, const fs::path& dir) {
    fs::path script = dir / "dhcpdb_hosts.mysql";
    std::cout << "Processing host tables script " << script.string() << std::endl;
    if (int rc = runScript(o, script); rc != 0) {
        std::cerr << "kahu-admin: host tables script failed (mysql status " << rc << ")\n";
        return false;
    }
    return true;
}

// --no-stat-triggers: every new, changed or removed lease updates one lease4_stat row (and one
// lease4_pool_stat row) per subnet through these triggers. Servers writing through different
// Galera nodes then all write those few rows, and Galera certifies every pair of such writes
// as a conflict; without the triggers the only shared rows are the leases themselves. Kahu
// never reads the counts; Kea's stat-lease4-get does, so the tables are emptied rather than
// left to go stale.
bool applyStatTriggerChoice(const Options& o) {
    if (!o.noStatTriggers) {
        return true;
    }
    std::string out;
    int rc = query(o,
                   "DROP TRIGGER IF EXISTS lease4_AINS; DROP TRIGGER IF EXISTS lease4_AUPD; "
                   "DROP TRIGGER IF EXISTS lease4_ADEL; DELETE FROM lease4_stat; "
                   "DELETE FROM lease4_pool_stat",
                   out);
    if (rc != 0) {
        std::cerr << "kahu-admin: cannot drop the lease4 statistics triggers: " << out << "\n";
        return false;
    }
    std::cout << "Dropped the lease4 statistics triggers (lease4_stat and lease4_pool_stat are "
                 "no longer kept)"
              << std::endl;
    return true;
}

int dbInit(const Options& o) {
    fs::path dir = scriptsDir();
    std::string tables;
    if (int rc = query(o, "SHOW TABLES", tables); rc != 0) {
        std::cerr << "kahu-admin: cannot list the tables of " << o.name << ": " << tables << "\n";
        return EXIT_FAILURE;
    }
    if (!tables.empty()) {
        std::cerr << "kahu-admin: expected an empty database " << o.name
                  << ". Aborting, these tables are present:\n"
                  << tables << "\n";
        return EXIT_FAILURE;
    }
    std::cout << "Initializing database using script " << (dir / "dhcpdb_create.mysql").string()
              << std::endl;
    int rc = runScript(o, dir / "dhcpdb_create.mysql");
    std::cout << "mysql returned status code " << rc << std::endl;
    if (rc != 0) {
        return EXIT_FAILURE;
    }
    if (!runHostsScript(o, dir) || !applyStatTriggerChoice(o)) {
        return EXIT_FAILURE;
    }
    std::string v;
    version(o, v);
    std::cout << "Database version reported after initialization: " << v << std::endl;
    return EXIT_SUCCESS;
}

int dbUpgrade(const Options& o) {
    fs::path dir = scriptsDir();
    std::string v;
    if (version(o, v) != 0) {
        std::cerr << "kahu-admin: cannot read the schema version: " << v << "\n";
        return EXIT_FAILURE;
    }
    std::cout << "Database version reported before upgrade: " << v << std::endl;
    if (v == kCurrentVersion || v == "22.1" || v == "22.2") {
        std::cout << "The lease schema is current." << std::endl;
        return runHostsScript(o, dir) && applyStatTriggerChoice(o) ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    if (v != "14.0") {
        std::cerr << "kahu-admin: cannot upgrade schema version " << v
                  << ": supported versions are " << kSupportedVersions << "\n";
        return EXIT_FAILURE;
    }
    fs::path script = dir / "upgrade_014.0_to_022.0.mysql";
    std::cout << "Processing upgrade script " << script.string() << std::endl;
    if (int rc = runScript(o, script); rc != 0) {
        std::cerr << "kahu-admin: upgrade script failed (mysql status " << rc << ")\n";
        return EXIT_FAILURE;
    }
    if (!runHostsScript(o, dir) || !applyStatTriggerChoice(o)) {
        return EXIT_FAILURE;
    }
    v.clear();
    version(o, v);
    std::cout << "Database version reported after upgrade: " << v << std::endl;
    return EXIT_SUCCESS;
}

// The pgsql commands: kea-admin's way with `psql`, on the lease schema of Kea 2.2 (13.0), the
// only one the postgresql store reads. Separate from the mysql functions above, which stay as
// they are. Calls inside are qualified (pg::): Options lives in the enclosing namespace, so
// argument-dependent lookup would find the mysql functions of the same names as well.
namespace pg {

constexpr const char* kCurrentVersion = "13.0";

// psql as kea-admin runs it; `extra` stays unquoted so it splits into arguments.
std::string client(const Options& o, const std::string& args) {
    std::string c = "psql --set ON_ERROR_STOP=1 -A -t -h " + quote(o.host);
    if (!o.port.empty()) {
        c += " -p " + quote(o.port);
    }
    c += " -q -U " + quote(o.user) + " -d " + quote(o.name);
    if (!o.extra.empty()) {
        c += " " + o.extra;
    }
    return c + " " + args;
}

// Runs one query; returns psql's exit status and its output (rows, or the error).
int query(const Options& o, const std::string& sql, std::string& out) {
    FILE* p = ::popen((pg::client(o, "-c " + quote(sql)) + " 2>&1").c_str(), "r");
    if (!p) {
        return -1;
    }
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
        out.append(buf, n);
    }
    int st = ::pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
        out.pop_back();
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Runs a script file (-f); psql's messages go to our stderr/stdout.
int runScript(const Options& o, const fs::path& script) {
    int st = std::system(pg::client(o, "-f " + quote(script.string())).c_str());
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

fs::path scriptsDir() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("KAHU_SCRIPTS_DIR"); env && *env) {
        candidates.emplace_back(env);
        candidates.emplace_back(fs::path(env).parent_path() / "pgsql"); // .../scripts/mysql
    }
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        // Installed: <prefix>/sbin/kahu-admin; build tree: <build>/core/kahu-admin.
        candidates.push_back(exe.parent_path().parent_path() / "share/kahu/scripts/pgsql");
    }
    candidates.emplace_back("/usr/local/share/kahu/scripts/pgsql");
    candidates.emplace_back("/usr/share/kahu/scripts/pgsql");
    for (const auto& c : candidates) {
        if (fs::exists(c / "dhcpdb_create.pgsql", ec)) {
            return c;
        }
    }
    std::cerr << "kahu-admin: schema scripts not found (looked in";
    for (const auto& c : candidates) {
        std::cerr << " " << c.string();
    }
    std::cerr << "); install the admin component or set KAHU_SCRIPTS_DIR\n";
    std::exit(EXIT_FAILURE);
}

int version(const Options& o, std::string& v) {
    return pg::query(o, "SELECT version || '.' || minor FROM schema_version", v);
}

int dbInit(const Options& o) {
    fs::path dir = pg::scriptsDir();
    std::string tables;
    if (int rc = pg::query(o,
                           "SELECT table_name FROM information_schema.tables "
                           "WHERE table_schema = current_schema() ORDER BY table_name",
                           tables);
        rc != 0) {
        std::cerr << "kahu-admin: cannot list the tables of " << o.name << ": " << tables << "\n";
        return EXIT_FAILURE;
    }
    if (!tables.empty()) {
        std::cerr << "kahu-admin: expected an empty database " << o.name
                  << ". Aborting, these tables are present:\n"
                  << tables << "\n";
        return EXIT_FAILURE;
    }
    fs::path script = dir / "dhcpdb_create.pgsql";
    std::cout << "Initializing database using script " << script.string() << std::endl;
    int rc = pg::runScript(o, script);
    std::cout << "psql returned status code " << rc << std::endl;
    if (rc != 0) {
        return EXIT_FAILURE;
    }
    std::string v;
    pg::version(o, v);
    std::cout << "Database version reported after initialization: " << v << std::endl;
    return EXIT_SUCCESS;
}

// Kahu has no upgrade scripts for PostgreSQL: 13.0 is what it creates and reads. Kea's own
// kea-admin moves older schemas to 13.0 (Kea 2.2's).
int dbUpgrade(const Options& o) {
    std::string v;
    if (pg::version(o, v) != 0) {
        std::cerr << "kahu-admin: cannot read the schema version: " << v << "\n";
        return EXIT_FAILURE;
    }
    std::cout << "Database version reported before upgrade: " << v << std::endl;
    if (v == kCurrentVersion) {
        std::cout << "The lease schema is current." << std::endl;
        return EXIT_SUCCESS;
    }
    std::cerr << "kahu-admin: cannot upgrade PostgreSQL schema version " << v
              << ": the supported version is " << kCurrentVersion
              << " (Kea 2.2's; Kea 2.2's kea-admin db-upgrade pgsql brings older schemas to it)\n";
    return EXIT_FAILURE;
}

int dispatch(const Options& o) {
    ::setenv("PGPASSWORD", o.password.c_str(), 1); // keeps it out of the process list
    if (o.command == "db-init") {
        return pg::dbInit(o);
    }
    if (o.command == "db-upgrade") {
        return pg::dbUpgrade(o);
    }
    std::string v;
    if (pg::version(o, v) != 0) {
        std::cerr << "kahu-admin: cannot read the schema version: " << v << "\n";
        return EXIT_FAILURE;
    }
    std::cout << v << std::endl;
    return EXIT_SUCCESS;
}

} // namespace pg

} // namespace

extern "C" KAHU_ENTRY int kahu_admin_main(int argc, char** argv) {
    ::umask(kahu::kFileCreationMask); // nothing it creates is world-readable (Kea 2.6.3)
    Options o = parse(argc, argv);
    if (o.backend == "pgsql") {
        return pg::dispatch(o);
    }
    ::setenv("MYSQL_PWD", o.password.c_str(), 1); // keeps it out of the process list
    if (o.command == "db-init") {
        return dbInit(o);
    }
    if (o.command == "db-upgrade") {
        return dbUpgrade(o);
    }
    std::string v;
    if (version(o, v) != 0) {
        std::cerr << "kahu-admin: cannot read the schema version: " << v << "\n";
        return EXIT_FAILURE;
    }
    std::cout << v << std::endl;
    return EXIT_SUCCESS;
}
