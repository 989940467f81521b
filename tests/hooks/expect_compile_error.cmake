# SPDX-License-Identifier: MPL-2.0
# A compile-failure test: builds a target that must not compile and passes only when the
# build fails with the expected static_assert. Any other failure (a typo in the fixture, a
# missing header, a broken build directory) fails the test instead of passing it.
#
#   cmake -DBUILD_DIR=<build dir> -DTARGET=<target> -DMESSAGE=<static_assert text> \
#         -P expect_compile_error.cmake
#
# MESSAGE is the static_assert's text as written (no regex); it must appear on the line of
# the diagnostic itself: GCC's "static assertion failed: <text>", Clang's
# "static assertion failed due to requirement '...': <text>" or older "static_assert failed".
foreach(v BUILD_DIR TARGET MESSAGE)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "expect_compile_error.cmake: -D${v}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled, and it must not:\n${out}")
endif()

string(REGEX MATCHALL "static(_assert| assertion) failed[^\n]*" diagnostics "${out}")
string(FIND "${diagnostics}" "${MESSAGE}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${TARGET} did not compile, but not because of the static_assert "
                      "\"${MESSAGE}\":\n${out}")
endif()
message(STATUS "${TARGET} fails to compile with the expected static_assert: \"${MESSAGE}\"")
