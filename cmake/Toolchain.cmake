# ccache, lld and a single link job: compile time is a real cost on a 2-core machine.
find_program(SHOP_CCACHE ccache)
if(SHOP_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
      "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
      # Paths under the source tree are hashed relative to it: clones in other directories
      # (a CI checkout, a second worktree) reuse each other's cache entries.
      "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}"
      ${SHOP_CCACHE})
endif()
find_program(SHOP_LLD ld.lld)
if(SHOP_LLD)
  add_link_options(-fuse-ld=lld)
endif()
set_property(GLOBAL PROPERTY JOB_POOLS link_pool=1)
set(CMAKE_JOB_POOL_LINK link_pool)

if(SHOP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Asio and Beast are compiled once (libs/boost_impl); every TU must agree on these (ODR).
add_compile_definitions(BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
                        BOOST_ASIO_NO_DEPRECATED BOOST_JSON_NO_LIB)
# The definitions Boost's CMake targets add, set for every TU so that the shared PCH is valid
# everywhere (GCC refuses a PCH built with macros the including TU lacks).
add_compile_definitions(BOOST_CONTAINER_NO_LIB BOOST_CONTAINER_DYN_LINK BOOST_SYSTEM_NO_LIB BOOST_SYSTEM_DYN_LINK
                        BOOST_JSON_DYN_LINK BOOST_URL_NO_LIB BOOST_URL_DYN_LINK
                        BOOST_PROGRAM_OPTIONS_NO_LIB BOOST_PROGRAM_OPTIONS_DYN_LINK)
