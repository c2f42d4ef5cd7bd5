# One library per subsystem of src/hcdc, and the layering the build enforces.
#
#   hcdc_subsystem(NAME DEPENDS <subsystems below it> [LIBS <external targets>])
#
# declares hcdc_<NAME> from src/hcdc/<NAME>/*.cpp, linked PUBLIC to the subsystems it may use and
# nothing else. Two checks keep it so:
#  * the libraries are shared and linked with --no-undefined, so calling into a subsystem that is
#    not declared fails at link time;
#  * every #include "hcdc/<X>/..." in the subsystem's sources is checked at build time
#    (cmake/CheckLayers.cmake) against the subsystems it may use, directly or through a declared
#    one, so header-only leaks (types, inline code) fail the build too.
# Subsystems must be declared bottom-up: a dependency is declared before its users.
# Shared libraries also make one-line self-registration (registries) reliable: every object file
# of a shared library is loaded, where a static archive drops members nothing refers to.

set(HCDC_LAYER_ROOT ${PROJECT_SOURCE_DIR}/src/hcdc)

function(hcdc_subsystem name)
  cmake_parse_arguments(S "" "" "DEPENDS;LIBS;EXTRA_SOURCES" ${ARGN})
  set(allowed ${name})
  foreach(dep IN LISTS S_DEPENDS)
    get_property(dep_allowed GLOBAL PROPERTY HCDC_LAYER_${dep})
    if(NOT dep_allowed)
      message(FATAL_ERROR "hcdc_subsystem(${name}): '${dep}' is not declared yet (declare subsystems bottom-up)")
    endif()
    list(APPEND allowed ${dep_allowed})
  endforeach()
  list(REMOVE_DUPLICATES allowed)
  set_property(GLOBAL PROPERTY HCDC_LAYER_${name} "${allowed}")

  file(GLOB sources CONFIGURE_DEPENDS ${HCDC_LAYER_ROOT}/${name}/*.cpp)
  file(GLOB headers CONFIGURE_DEPENDS ${HCDC_LAYER_ROOT}/${name}/*.hpp)
  set(stamp ${CMAKE_BINARY_DIR}/layers/${name}.checked)
  string(REPLACE ";" "," allowed_csv "${allowed}")
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DSUBSYSTEM=${name} -DALLOWED=${allowed_csv} -DROOT=${HCDC_LAYER_ROOT}
            -DSTAMP=${stamp} -P ${PROJECT_SOURCE_DIR}/cmake/CheckLayers.cmake
    DEPENDS ${sources} ${headers} ${PROJECT_SOURCE_DIR}/cmake/CheckLayers.cmake
    COMMENT "Checking the includes of src/hcdc/${name} against its layer (${allowed})")

  add_library(hcdc_${name} SHARED ${sources} ${S_EXTRA_SOURCES} ${stamp})
  target_include_directories(hcdc_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/generated)
  target_compile_options(hcdc_${name} PRIVATE -Wall -Wextra)
  target_link_options(hcdc_${name} PRIVATE -Wl,--no-undefined)
  foreach(dep IN LISTS S_DEPENDS)
    target_link_libraries(hcdc_${name} PUBLIC hcdc_${dep})
  endforeach()
  if(S_LIBS)
    target_link_libraries(hcdc_${name} PUBLIC ${S_LIBS})
  endif()
endfunction()
