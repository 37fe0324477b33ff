"""The Streamlit adapters: everything in the package that imports streamlit (the shell,
sign-in, presentation mode, the folium view, the one cached loader)."""
