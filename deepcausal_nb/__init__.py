__version__ = '0.1.0'

# The main path, importable from the package itself: `from deepcausal_nb import load_panel, fit, analyse`.
from .config import load_config
from .data import load_panel
from .simulate import simulate
from .train import fit, FittedMMM, ensemble_interval
from .report import analyse, render_report, render_batch  # analyse: `analysis.analyse`'s numbers plus the figures
from .analysis import ReportData
from .optimize import plan_budget
