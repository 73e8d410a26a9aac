# shop_warnings: the warning set every first-party target builds with, clean.
add_library(shop_warnings INTERFACE)
target_compile_options(shop_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
# GCC 12 at -O2 reports std::string / std::variant<std::string> moves inside libstdc++ as overflows
# and uninitialised reads (GCC PRs 105329, 105545, 107138: false positives in the library's own
# inlined code, not ours). Off in optimised GCC 12 builds only; Debug builds and other compilers keep them.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(shop_warnings INTERFACE
    $<$<NOT:$<CONFIG:Debug>>:-Wno-stringop-overflow -Wno-array-bounds -Wno-restrict -Wno-stringop-overread -Wno-maybe-uninitialized>)
endif()

# shop_library(<target> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...]): a first-party static library
# with include/ as its public include directory, the warning set and the shared PCH.
function(shop_library target)
  cmake_parse_arguments(L "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${target} STATIC ${L_SOURCES})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  endif()
  # The shared PCH pulls in Asio headers, whose error categories live in shop_boost_impl.
  target_link_libraries(${target} PUBLIC ${L_DEPS} shop_boost_impl PRIVATE ${L_PRIVATE_DEPS} shop_warnings)
  target_precompile_headers(${target} REUSE_FROM shop_pch)
endfunction()
