"""Tiled NDVI: loads the C++ Processing provider (libtiledndvi_qgis.so, in this
folder) and adds it to QGIS's Processing registry; removes it again on unload.

qgis_process 3.22 loads Python plugins only, so the C++ provider comes in
through this small plugin: a ctypes call of the library's exported C function.
"""

import ctypes
import os

LIBRARY_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'libtiledndvi_qgis.so')


def classFactory(iface):  # noqa: N802 (the name QGIS looks for)
    return TiledNdviPlugin(iface)


class TiledNdviPlugin:

    def __init__(self, iface=None):
        self._iface = iface
        self._library = None
        self._registered = False

    def _load_library(self):
        if self._library is None:
            library = ctypes.CDLL(LIBRARY_FILE)
            library.tiledndvi_qgis_register_provider.restype = ctypes.c_int
            library.tiledndvi_qgis_unregister_provider.restype = None
            library.tiledndvi_qgis_last_error.restype = ctypes.c_char_p
            self._library = library
        return self._library

    def initProcessing(self):  # noqa: N802 (called by qgis_process, and by initGui below)
        if self._registered:
            return
        library = self._load_library()
        if not library.tiledndvi_qgis_register_provider():
            reason = library.tiledndvi_qgis_last_error().decode('utf-8', 'replace')
            raise RuntimeError('Tiled NDVI: cannot add the Processing provider: ' + reason)
        self._registered = True

    def initGui(self):  # noqa: N802 (the desktop calls this, not initProcessing)
        self.initProcessing()

    def unload(self):
        if self._registered:
            self._library.tiledndvi_qgis_unregister_provider()
            self._registered = False
