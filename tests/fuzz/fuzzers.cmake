# SPDX-License-Identifier: MPL-2.0
# The fuzzers' build, included by tests/fuzz/CMakeLists.txt when it is the top-level project
# (run_fuzzer.sh configures it with clang). Nothing here is part of the GCC build.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "the fuzzers need clang (libFuzzer); configure with CMAKE_CXX_COMPILER=clang++-14")
endif()

get_filename_component(kahu_src ${CMAKE_CURRENT_SOURCE_DIR}/../.. ABSOLUTE)
file(STRINGS ${kahu_src}/CMakeLists.txt kahu_project_line REGEX "^project\\(Kahu VERSION")
string(REGEX REPLACE ".*VERSION ([0-9.]+).*" "\\1" PROJECT_VERSION "${kahu_project_line}")

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_POSITION_INDEPENDENT_CODE OFF)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Fuzz)
endif()
# The usual libFuzzer settings: light optimisation, frame pointers and line tables for the
# sanitizer reports; UB aborts (a report must fail the run, not scroll by).
set(kahu_fuzz_flags -O1 -gline-tables-only -fno-omit-frame-pointer
                    -fno-sanitize-recover=all -fsanitize=address,undefined)
add_compile_options(${kahu_fuzz_flags} -Wall -Wno-unused-parameter)

find_package(Threads REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto SSL)
find_package(Boost 1.74 REQUIRED)

# The directories the sources read from kahu/build_info.h; the fuzzers write no file.
set(KAHU_HOOKS_DIR /usr/lib/kahu/hooks)
set(KAHU_DATA_DIR /var/lib/kahu)
set(KAHU_RUN_DIR /run/kahu)
set(KAHU_LOG_DIR /var/log/kahu)
set(KAHU_KEA_DATA_DIR /var/lib/kea)
set(KAHU_KEA_LOG_DIR /var/log/kea)
set(KAHU_KEA_RUN_DIR /run/kea)
configure_file(${kahu_src}/core/src/build_info.h.in ${CMAKE_CURRENT_BINARY_DIR}/generated/kahu/build_info.h @ONLY)
# The fuzzers load no hook library: any SDK hash will do.
set(KAHU_SDK_HASH fuzz)
configure_file(${kahu_src}/core/src/sdk_fingerprint.h.in
               ${CMAKE_CURRENT_BINARY_DIR}/generated/kahu/sdk_fingerprint.h @ONLY)

# What the fuzzers reach of the core: everything but the sockets, the server loop, the agent
# and the control transports (the fuzzers call the command layer directly). A static library:
# each fuzzer links only the objects it uses.
set(kahu_fuzz_core_dirs alloc command config control ddns dhcp dhcp4 eval fs hooks http json lease log metrics stats)
# The DHCP server's DDNS sends Kea's NameChangeRequests, whose codec lives with the D2.
set(kahu_fuzz_core_sources ${kahu_src}/core/src/server/build_report.cc
                           ${kahu_src}/core/src/d2/ncr.cc ${kahu_src}/core/src/d2/dns_message.cc)
foreach(d ${kahu_fuzz_core_dirs})
  file(GLOB s CONFIGURE_DEPENDS ${kahu_src}/core/src/${d}/*.cc)
  list(APPEND kahu_fuzz_core_sources ${s})
endforeach()
foreach(f http_listener unix_client unix_listener control_listeners)
  list(REMOVE_ITEM kahu_fuzz_core_sources ${kahu_src}/core/src/control/${f}.cc)
endforeach()
# The SDK's HTTP server and client stay in: LoadContext hands them to libraries. Boost 1.74's
# Asio recognises C++20 coroutines on GCC only; clang 14 has them too. Clang 14's
# -fsanitize=function cannot instrument coroutines ("Cannot represent a difference across
# sections"), so these files go without that one check.
set_source_files_properties(${kahu_src}/core/src/http/server.cc ${kahu_src}/core/src/http/client.cc
                            ${kahu_src}/core/src/http/beast_util.cc
                            PROPERTIES COMPILE_DEFINITIONS BOOST_ASIO_HAS_CO_AWAIT=1
                                       COMPILE_OPTIONS -fno-sanitize=function)
add_library(kahu_fuzz_core STATIC ${kahu_fuzz_core_sources})
target_compile_options(kahu_fuzz_core PUBLIC -fsanitize=fuzzer-no-link)
target_compile_definitions(kahu_fuzz_core PRIVATE KAHU_BUILDING_CORE)
target_include_directories(kahu_fuzz_core
  PUBLIC ${kahu_src}/core/include ${kahu_src}/core/src ${CMAKE_CURRENT_BINARY_DIR}/generated)
target_link_libraries(kahu_fuzz_core
  PUBLIC nlohmann_json::nlohmann_json spdlog::spdlog Threads::Threads OpenSSL::SSL OpenSSL::Crypto
         ${CMAKE_DL_LIBS} atomic)

# The hooks the fuzzers drive, without their load entry points (the fuzzers register the
# handlers themselves), and without HA's sockets (http_listener.cc, http_peer_channel.cc): the
# HA fuzzer reaches what they do with the bytes through listener_rules.cc and peer_channel.cc.
set(kahu_ha_dir ${kahu_src}/hooks/ha)
file(GLOB kahu_fuzz_hook_sources CONFIGURE_DEPENDS ${kahu_src}/hooks/lease_cmds/*.cc ${kahu_ha_dir}/*.cc)
list(REMOVE_ITEM kahu_fuzz_hook_sources ${kahu_src}/hooks/lease_cmds/load.cc ${kahu_ha_dir}/ha.cc
                 ${kahu_ha_dir}/http_listener.cc ${kahu_ha_dir}/http_peer_channel.cc)
add_library(kahu_fuzz_hooks STATIC ${kahu_fuzz_hook_sources})
target_include_directories(kahu_fuzz_hooks PUBLIC ${kahu_src}/hooks/lease_cmds ${kahu_ha_dir})
target_link_libraries(kahu_fuzz_hooks PUBLIC kahu_fuzz_core Boost::headers)

foreach(t ${kahu_fuzz_targets}) # from CMakeLists.txt: one per <name>_fuzzer.cc
  add_executable(${t}_fuzzer ${CMAKE_CURRENT_SOURCE_DIR}/${t}_fuzzer.cc)
  target_include_directories(${t}_fuzzer PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_options(${t}_fuzzer PRIVATE ${kahu_fuzz_flags} -fsanitize=fuzzer)
  target_link_libraries(${t}_fuzzer PRIVATE kahu_fuzz_core)
endforeach()
target_link_libraries(config_fuzzer PRIVATE kahu_fuzz_hooks)
target_link_libraries(control_fuzzer PRIVATE kahu_fuzz_hooks)
target_sources(ha_fuzzer PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/ha_fuzzer_listener.cc)
target_link_libraries(ha_fuzzer PRIVATE kahu_fuzz_hooks)
