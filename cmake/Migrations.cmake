# shop_embed_migrations(<target> <namespace> <dir>): compiles every <dir>/NNNN_name.sql into the
# target as a function `std::vector<shop::db::Migration> <namespace>::Migrations()`.
function(shop_embed_migrations target ns dir)
  file(GLOB sql_files CONFIGURE_DEPENDS "${dir}/*.sql")
  list(SORT sql_files)
  set(body "")
  foreach(f ${sql_files})
    get_filename_component(fname ${f} NAME_WE)
    string(REGEX MATCH "^[0-9]+" version ${fname})
    math(EXPR version "${version} + 0")
    file(READ ${f} sql)
    string(APPEND body "    {${version}, \"${fname}\", R\"shopsql(${sql})shopsql\"},\n")
  endforeach()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_migrations.cpp")
  string(REPLACE "::" "_" guard ${ns})
  file(CONFIGURE OUTPUT ${out} CONTENT
"// Generated from ${dir} by cmake/Migrations.cmake. Do not edit.
#include \"shop/db/migrations.hpp\"
namespace ${ns} {
std::vector<shop::db::Migration> Migrations() {
  return {
${body}  };
}
}  // namespace ${ns}
")
  target_sources(${target} PRIVATE ${out})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sql_files})
endfunction()
