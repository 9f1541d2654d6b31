"Recovery scoring (`deepcausal_nb.recovery`): truth laid out like the panel, scores exact on the truth itself."

import numpy as np
import pytest
from deepcausal_nb.config import load_config
from deepcausal_nb.data import load_panel
from deepcausal_nb.simulate import simulate
from deepcausal_nb.train import fit
from deepcausal_nb import recovery


@pytest.mark.parametrize('regions', [1, 3])
def test_true_contributions_follow_the_panel_layout(regions):
    sim = simulate(regions=regions, weeks=30, channels=3, seed=4)
    panel = load_panel(sim.data.sample(frac=1, random_state=0), holdout_weeks=4)  # row order must not matter
    true = recovery.true_contributions(sim, panel)
    assert true.shape == (panel.n_regions, panel.n_weeks, panel.n_channels)
    for c, name in enumerate(panel.channels):
        np.testing.assert_allclose(
            true[..., c].sum(), sim.truth['channels'][name.removesuffix('_impressions')]['contribution'], rtol=1e-9
        )


def test_scores_are_zero_error_on_the_truth(monkeypatch):
    sim = simulate(regions=3, weeks=40, channels=2, seed=5, effect_swing=0.5, varying_channel='search')
    panel = load_panel(sim.data, holdout_weeks=4)
    fitted = fit(panel, load_config(overrides=['epochs=5']), progress=False)
    s = recovery.score(sim, panel, fitted)
    assert np.isfinite([s['share_mae_pp'], s['srmse'], s['corr'], s['wape']]).all() and s['corr_varying'] is not None
    true = recovery.true_contributions(sim, panel)
    real = fitted.components
    monkeypatch.setattr(
        fitted, 'components', lambda p, members=False: dict(real(p), channels=true)
    )  # a model that knew the truth
    s = recovery.score(sim, panel, fitted)
    assert s['share_mae_pp'] < 1e-9 and s['srmse'] < 1e-9 and s['corr'] > 1 - 1e-9 and s['corr_varying'] > 1 - 1e-9
