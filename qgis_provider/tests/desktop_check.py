"""Run inside the QGIS desktop (qgis.bin --code desktop_check.py) by
test_desktop.cpp: checks that the tiledndvi plugin is loaded and its algorithm
shows in the Processing toolbox, runs it as the toolbox does (result loaded and
styled), opens its dialog, unloads the plugin, writes screenshots and a JSON
report, and quits. Paths come from TILEDNDVI_DESKTOP_* environment variables.
"""

import json
import os
import traceback

from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication
from qgis.core import QgsApplication, QgsProject
import qgis.utils

INPUT = os.environ['TILEDNDVI_DESKTOP_INPUT']
OUTPUT = os.environ['TILEDNDVI_DESKTOP_OUTPUT']
REPORT = os.environ['TILEDNDVI_DESKTOP_REPORT']
SCREENSHOTS = os.environ['TILEDNDVI_DESKTOP_SCREENSHOTS']


def settle():
    for _ in range(20):
        QApplication.processEvents()


def model_texts(model, parent=None):
    """Every display text of a tree model, depth first."""
    from qgis.PyQt.QtCore import QModelIndex
    parent = parent if parent is not None else QModelIndex()
    texts = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        texts.append(model.data(index))
        texts.extend(model_texts(model, index))
    return texts


def find_algorithm_index(tree, algorithm_id, parent=None):
    from qgis.PyQt.QtCore import QModelIndex
    model = tree.model()
    parent = parent if parent is not None else QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        algorithm = tree.algorithmForIndex(index)
        if algorithm is not None and algorithm.id() == algorithm_id:
            return index
        found = find_algorithm_index(tree, algorithm_id, index)
        if found is not None:
            return found
    return None


def check(report):
    iface = qgis.utils.iface
    registry = QgsApplication.processingRegistry()
    algorithm = registry.algorithmById('tiledndvi:ndvi')
    report['algorithm'] = algorithm.displayName() if algorithm else None
    report['plugin_active'] = 'tiledndvi' in qgis.utils.active_plugins

    # The toolbox, filtered as a user searching for "ndvi" would.
    toolbox = qgis.utils.plugins['processing'].toolbox
    toolbox.show()
    toolbox.searchBox.setText('ndvi')
    settle()
    tree = toolbox.algorithmTree
    tree.expandAll()
    report['toolbox_entries'] = model_texts(tree.model())
    index = find_algorithm_index(tree, 'tiledndvi:ndvi')
    report['toolbox_has_algorithm'] = index is not None
    if index is not None:
        tree.setCurrentIndex(index)

    # Run it as the toolbox does: the result is loaded and styled.
    import processing
    results = processing.runAndLoadResults('tiledndvi:ndvi', {'INPUT': INPUT, 'OUTPUT': OUTPUT})
    report['result_output'] = results.get('OUTPUT')
    layers = [layer for layer in QgsProject.instance().mapLayers().values()
              if os.path.realpath(layer.source()) == os.path.realpath(OUTPUT)]
    report['result_loaded'] = len(layers) == 1
    if layers:
        layer = layers[0]
        renderer = layer.renderer()
        report['renderer'] = renderer.type()
        report['classification'] = [renderer.classificationMin(), renderer.classificationMax()]
        items = renderer.shader().rasterShaderFunction().colorRampItemList()
        report['ramp_ends'] = [items[0].color.name(), items[-1].color.name()]
        canvas = iface.mapCanvas()
        canvas.setExtent(layer.extent())
        canvas.refresh()
        canvas.waitWhileRendering()
    settle()
    iface.mainWindow().grab().save(os.path.join(SCREENSHOTS, 'desktop_toolbox.png'))

    # The algorithm dialog builds a widget for every parameter.
    dialog = processing.createAlgorithmDialog('tiledndvi:ndvi', {'INPUT': INPUT})
    report['dialog_created'] = dialog is not None
    if dialog is not None:
        dialog.resize(900, 700)
        dialog.show()
        settle()
        report['dialog_title'] = dialog.windowTitle()
        report['dialog_parameters'] = sorted(dialog.mainWidget().wrappers.keys())
        dialog.grab().save(os.path.join(SCREENSHOTS, 'desktop_dialog.png'))
        dialog.close()

    # Unloading the plugin removes the provider again.
    qgis.utils.unloadPlugin('tiledndvi')
    report['algorithm_after_unload'] = registry.algorithmById('tiledndvi:ndvi') is not None


def run():
    report = {}
    try:
        check(report)
    except Exception:  # the test prints the report: show what went wrong there
        report['error'] = traceback.format_exc()
    with open(REPORT, 'w') as out:
        json.dump(report, out, indent=2)
    QgsProject.instance().clear()
    QgsApplication.exit(0)


# Let the main window and the plugins finish starting first.
QTimer.singleShot(1000, run)
