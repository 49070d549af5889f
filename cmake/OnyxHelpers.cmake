# Compile flags shared by every Onyx target, and the onyx_add_test /
# onyx_add_bench / onyx_add_fuzzer helpers.

add_library(onyx_flags INTERFACE)
target_compile_options(onyx_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(onyx_flags INTERFACE -Wthread-safety)
elseif(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 at -O2 reports std::variant and std::optional members as maybe
  # uninitialized when they are not (GCC bug 105562 and relatives).
  target_compile_options(onyx_flags INTERFACE -Wno-maybe-uninitialized)
endif()
if(ONYX_WERROR)
  target_compile_options(onyx_flags INTERFACE -Werror)
endif()
if(ONYX_ASSERT_STATUS_CHECKED)
  target_compile_definitions(onyx_flags INTERFACE ONYX_ASSERT_STATUS_CHECKED)
endif()
if(ONYX_SANITIZE)
  target_compile_options(onyx_flags INTERFACE -fsanitize=address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(onyx_flags INTERFACE -fsanitize=address,undefined)
  # Coverage for libFuzzer in Onyx's own code too (not only the fuzz
  # harnesses), so the fuzz targets are guided by the decoders' branches.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(onyx_flags INTERFACE -fsanitize=fuzzer-no-link)
  endif()
endif()

# onyx_add_test(NAME SOURCES... [LIBS ...] [LABELS ...] [TIMEOUT s])
function(onyx_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE onyx_flags ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  if(NOT ARG_LABELS)
    set(ARG_LABELS fast)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "ONYX_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# onyx_add_bench(NAME SOURCES... [LIBS ...])
function(onyx_add_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE onyx_flags onyx_allocator ${ARG_LIBS})
endfunction()

# onyx_add_fuzzer(NAME SOURCES... [LIBS ...] CORPUS dir)
# With clang the target is a libFuzzer binary, and the test runs it for a few
# seconds on a scratch copy of the seed corpus. With other compilers the same
# target links a replay driver that runs the seeds plus deterministic mutations of
# them, so every build still feeds bad bytes to every decoder.
set(ONYX_FUZZ_SECONDS 8 CACHE STRING "Seconds each fuzzer runs in the test suite")
function(onyx_add_fuzzer name)
  cmake_parse_arguments(ARG "" "CORPUS" "SOURCES;LIBS" ${ARGN})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_executable(${name} ${ARG_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE onyx_flags ${ARG_LIBS})
    add_test(NAME ${name}
      COMMAND ${CMAKE_COMMAND} -DFUZZER=$<TARGET_FILE:${name}> -DCORPUS=${ARG_CORPUS}
              -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/${name}.work -DSECONDS=${ONYX_FUZZ_SECONDS}
              -P ${PROJECT_SOURCE_DIR}/cmake/RunFuzzer.cmake)
  else()
    add_executable(${name} ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
    target_link_libraries(${name} PRIVATE onyx_flags ${ARG_LIBS})
    add_test(NAME ${name} COMMAND ${name} ${ARG_CORPUS})
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "fuzz" TIMEOUT 300)
endfunction()
