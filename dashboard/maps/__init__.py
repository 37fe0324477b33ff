"""Maps: tables in, ``folium.Map`` or plotly ``go.Figure`` out, no Streamlit; every map draws its
geography without the internet.

- ``assets``: Leaflet and its plugin served from the app's ``static/`` (``offline_assets``).
- ``tables``: the counts drawn (``town_summary``, ``prefecture_counts``, ``nationality_table``,
  ``flow_table``), a flow line's width, the town of a marker click.
- ``legend``: the shades and the text of a count, shared by both kinds of map.
- ``japan``: folium maps of Japan: ``partner_map`` (popups, tooltips, prefecture layer) and a
  town's small ``town_map``.
- ``world``: plotly MapLibre maps of where people come from: ``world_figure``, ``flow_figure``,
  and their ``nationality_bars``.

What the maps page shows is built from these by ``dashboard.views.maps``.
"""
