# Finds the QGIS core library and headers. QGIS 3.22 as packaged by Debian
# (libqgis-dev) ships no CMake config, so look for the files themselves.
#
# Defines QGIS_FOUND, QGIS_VERSION and the imported targets QGIS::Core and
# QGIS::Analysis (each carrying the Qt5 modules its headers need). Hints:
# QGIS_ROOT (a prefix such as /usr or /opt/qgis), QGIS_INCLUDE_DIR,
# QGIS_CORE_LIBRARY, QGIS_ANALYSIS_LIBRARY.

find_path(QGIS_INCLUDE_DIR qgsapplication.h
  HINTS ${QGIS_ROOT} ENV QGIS_ROOT
  PATH_SUFFIXES include/qgis qgis)
find_library(QGIS_CORE_LIBRARY NAMES qgis_core HINTS ${QGIS_ROOT} ENV QGIS_ROOT PATH_SUFFIXES lib)
find_library(QGIS_ANALYSIS_LIBRARY NAMES qgis_analysis HINTS ${QGIS_ROOT} ENV QGIS_ROOT PATH_SUFFIXES lib)

if(QGIS_INCLUDE_DIR AND EXISTS "${QGIS_INCLUDE_DIR}/qgsconfig.h")
  file(STRINGS "${QGIS_INCLUDE_DIR}/qgsconfig.h" _qgis_version_line REGEX "^#define VERSION_INT ")
  string(REGEX REPLACE "^#define VERSION_INT ([0-9]+).*" "\\1" _qgis_version_int "${_qgis_version_line}")
  if(_qgis_version_int)
    math(EXPR _qgis_major "${_qgis_version_int} / 10000")
    math(EXPR _qgis_minor "(${_qgis_version_int} / 100) % 100")
    math(EXPR _qgis_patch "${_qgis_version_int} % 100")
    set(QGIS_VERSION "${_qgis_major}.${_qgis_minor}.${_qgis_patch}")
  endif()
endif()

# QGIS 3 headers pull in QtCore, QtGui, QtWidgets (qgsapplication.h) and QtXml.
find_package(Qt5 QUIET COMPONENTS Core Gui Widgets Xml)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(QGIS
  REQUIRED_VARS QGIS_CORE_LIBRARY QGIS_INCLUDE_DIR Qt5_FOUND
  VERSION_VAR QGIS_VERSION)

if(QGIS_FOUND AND NOT TARGET QGIS::Core)
  add_library(QGIS::Core UNKNOWN IMPORTED)
  set_target_properties(QGIS::Core PROPERTIES
    IMPORTED_LOCATION "${QGIS_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${QGIS_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "Qt5::Core;Qt5::Gui;Qt5::Widgets;Qt5::Xml")
  if(QGIS_ANALYSIS_LIBRARY)
    add_library(QGIS::Analysis UNKNOWN IMPORTED)
    set_target_properties(QGIS::Analysis PROPERTIES
      IMPORTED_LOCATION "${QGIS_ANALYSIS_LIBRARY}"
      INTERFACE_LINK_LIBRARIES QGIS::Core)
  endif()
endif()
mark_as_advanced(QGIS_INCLUDE_DIR QGIS_CORE_LIBRARY QGIS_ANALYSIS_LIBRARY)
