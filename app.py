"""pia's Streamlit entry point (placeholder until the app issue lands)."""

import streamlit as st

st.set_page_config(page_title="pia — camera impact assessment", layout="wide")
st.title("pia")
st.write("Human-rights impact assessment of public camera systems. The guided assessment is being built.")
