"""The coverage benchmark's scoring (`deepcausal_nb.recovery.coverage_score`): intervals centred on the truth cover it
at every level; confident wrong ones never do."""

import numpy as np
import pytest
from deepcausal_nb.config import load_config
from deepcausal_nb.data import load_panel
from deepcausal_nb.simulate import simulate
from deepcausal_nb.train import fit
from deepcausal_nb.recovery import LEVELS, coverage_score, coverage_table, true_contributions


@pytest.fixture(scope='module')
def case():
    sim = simulate(regions=3, weeks=40, channels=2, seed=5)
    panel = load_panel(sim.data, holdout_weeks=4)
    fitted = fit(panel, load_config(overrides=['epochs=5', 'member_epochs=5', 'members=4']), progress=False)
    return sim, panel, fitted, true_contributions(sim, panel)


def _members_around(fitted, panel, center, spread, monkeypatch):
    "Make the fitted model's members `center` × (1 + spread·k), k = -1.5..1.5: their mean is `center`."
    real = fitted.components
    factors = 1 + spread * np.array([-1.5, -0.5, 0.5, 1.5])

    def fake(p, members=False):
        c = real(p, members=True)
        c['channels'] = factors[:, None, None, None] * center[None]
        return c if members else {k: v.mean(0) for k, v in c.items()}

    monkeypatch.setattr(fitted, 'components', fake)


def test_intervals_centred_on_the_truth_cover_it(case, monkeypatch):
    sim, panel, fitted, true = case
    _members_around(fitted, panel, true, 0.05, monkeypatch)
    s = coverage_score(sim, panel, fitted)
    assert s['share_mae_pp'] < 1e-9
    for level in LEVELS:
        assert all(s[f'share_in_{level}']) and all(s[f'roi_in_{level}']) and s[f'week_in_{level}'] == 1.0
    assert np.all(np.diff([np.mean(s[f'share_width_{lv}']) for lv in LEVELS]) > 0)  # wider at higher levels


def test_confident_wrong_intervals_miss(case, monkeypatch):
    sim, panel, fitted, true = case
    _members_around(fitted, panel, 2 * true, 0.001, monkeypatch)
    s = coverage_score(sim, panel, fitted)
    t = coverage_table([s])
    assert (t.share_coverage == 0).all() and (t.roi_coverage == 0).all() and s['share_mae_pp'] > 1
