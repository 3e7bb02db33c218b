"""pia — human-rights impact assessment of public camera systems.

The core library: questionnaires as data, answers files, the assessment engine
and report rendering. Nothing here imports Streamlit.
"""

__version__ = "0.1.0"
ENGINE_VERSION = __version__
