"""pia's Streamlit entry point: `streamlit run app.py`. Everything lives in pia.ui."""

from pia.ui.app import main

main()
