"""Jupyter server hooks for bnlab (npm start passes them on the server's command line).

strip_plotly_png: JupyterLab's plotly renderer adds a PNG snapshot (image/png) to every chart
output it draws, so each Run All saved another picture of every chart into the notebook. The chart
is already there as Plotly JSON (drawn by JupyterLab, VS Code and the exported site) and as
text/html (the classic notebook), so the snapshot is dropped when the notebook is saved.
"""

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def strip_plotly_png(model=None, **kwargs):
    if not model or model.get("type") != "notebook":
        return
    content = model.get("content") or {}
    for cell in content.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data")
            if isinstance(data, dict) and PLOTLY_MIME in data and "image/png" in data:
                del data["image/png"]
