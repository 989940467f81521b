# SPDX-License-Identifier: MPL-2.0
# kahu_add_hook_library(<target> OUTPUT_NAME <file stem> COMPONENT <install component>
#                       SOURCES <files...>)
# Builds one hook library (a MODULE named lib<stem>.so) against Kahu::core and installs it into
# the hooks directory as its own install component, so every plugin can ship in its own package.
# Works in the Kahu tree and out of tree (after find_package(Kahu)).
include_guard(GLOBAL)
include(GNUInstallDirs)

function(kahu_add_hook_library target)
  cmake_parse_arguments(arg "" "OUTPUT_NAME;COMPONENT" "SOURCES" ${ARGN})
  if(NOT arg_OUTPUT_NAME)
    set(arg_OUTPUT_NAME ${target})
  endif()
  if(NOT arg_COMPONENT)
    set(arg_COMPONENT ${target})
  endif()
  add_library(${target} MODULE ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE Kahu::core)
  target_compile_features(${target} PRIVATE cxx_std_20)
  set_target_properties(${target} PROPERTIES PREFIX "lib" OUTPUT_NAME ${arg_OUTPUT_NAME}
                                             CXX_VISIBILITY_PRESET hidden
                                             VISIBILITY_INLINES_HIDDEN ON)
  if(KAHU_HOOKS_BUILD_DIR)
    # In the Kahu tree every hook lands in one directory, so KAHU_HOOKS_PATH can point at it.
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${KAHU_HOOKS_BUILD_DIR})
  endif()
  if(Kahu_HOOKS_DIR)
    set(dest ${Kahu_HOOKS_DIR})
  elseif(KAHU_HOOKS_DIR)
    set(dest ${KAHU_HOOKS_DIR})
  else()
    set(dest ${CMAKE_INSTALL_LIBDIR}/kahu/hooks)
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION ${dest} COMPONENT ${arg_COMPONENT})
endfunction()
