"""A saturated channel cannot take over the baseline when lift tests are added, and is flagged when it tries.

The panel: unrecorded regional demand drives the KPI and the spend of search and social (`CONFOUNDED`); display is
always on with a near-flat curve (`saturated_channel`), so its contribution is almost a constant level per region and
the data alone cannot tell it from the baseline. The tests take credit from search and social (go-darks) and measure
TV's margin (a heavy-up); display is untested. The credit the tests remove has to go somewhere: a saturated channel
times a free coefficient is where it went before calibration anchored the untested channels (`calibration_anchors`).
"""

import warnings
import pytest
from deepcausal_nb.config import load_config
from deepcausal_nb.data import load_panel
from deepcausal_nb.decompose import activity_check
from deepcausal_nb.simulate import simulate, CONFOUNDED
from deepcausal_nb.train import fit

SETTINGS = ['train.seed=0', 'train.epochs=300', 'train.members=4', 'train.progress=false']


@pytest.fixture(scope='module')
def panel_and_tests():
    sim = simulate(
        regions=12,
        weeks=104,
        channels=5,
        seed=0,
        experiments=3,
        experiment_channels='search,tv,social',
        saturated_channel='display',
        **CONFOUNDED,
    )
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        panel = load_panel(sim.data, holdout_weeks=8)
    return panel, sim.experiments


def calibrated(panel, tests, anchor: bool):
    fitted = fit(panel, load_config(overrides=[*SETTINGS, f'train.anchor_untested={anchor}']), experiments=tests)
    return fitted, fitted.calibration.set_index('channel').loc['display_impressions']


def test_saturated_channel_is_held_to_what_the_data_support(panel_and_tests):
    panel, tests = panel_and_tests
    fitted, display = calibrated(panel, tests, anchor=True)
    assert display.test == 'none' and display.held == 'both ways'
    assert display.share_before_lo <= display.share <= display.share_before_hi and not display.moved
    assert activity_check(fitted, panel).set_index('channel').loc['display_impressions', 'baseline_like']


def test_saturated_channel_that_takes_over_is_flagged(panel_and_tests):
    "With the anchors off (the calibration of old), display soaks up the demand the tests removed: the run says so."
    panel, tests = panel_and_tests
    fitted, display = calibrated(panel, tests, anchor=False)
    assert display.share > 1.5 * display.share_before_hi  # it took over part of the baseline
    assert display.moved  # ... and left its uncalibrated interval, which the run and the report flag
    check = activity_check(fitted, panel).set_index('channel').loc['display_impressions']
    assert check.baseline_like and check.elasticity < 0.5  # its contribution barely follows its activity
    assert any('display' in n for n in fitted.info.get('notes', []))
