"""The Streamlit app: the only part of pia (with app.py) that imports streamlit."""
