# Leak checking only in our own programs (TILEDNDVI_SANITIZE builds).
#
# The plugin and the provider are loaded into programs that are not built with
# ASan (gdal_translate, python3, qgis_process.bin, qgis.bin): they run with
# libasan in LD_PRELOAD, and so do the shells, xvfb-run and Xvfb they start.
# Those leak by design at exit, so scripts/sanitize.sh turns leak checking off
# for every process (ASAN_OPTIONS=detect_leaks=0) and turns it back on through
# include_if_exists=<build>/sanitize/%b, %b being the program's file name: here
# one file per executable target of this project (tests, fuzzers, the CLI).
set(TILEDNDVI_SANITIZE_OPTIONS_DIR "${PROJECT_BINARY_DIR}/sanitize")

function(tiledndvi_leak_check_files directory)
  get_property(targets DIRECTORY "${directory}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
      file(GENERATE OUTPUT "${TILEDNDVI_SANITIZE_OPTIONS_DIR}/$<TARGET_FILE_NAME:${target}>"
           CONTENT "detect_leaks=1\n")
    endif()
  endforeach()
  get_property(subdirectories DIRECTORY "${directory}" PROPERTY SUBDIRECTORIES)
  foreach(subdirectory IN LISTS subdirectories)
    tiledndvi_leak_check_files("${subdirectory}")
  endforeach()
endfunction()

tiledndvi_leak_check_files("${PROJECT_SOURCE_DIR}")
