# shop_warnings: the warning set every first-party target builds with, clean.
add_library(shop_warnings INTERFACE)
target_compile_options(shop_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)

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
