"""Property-based robustness of the loader: any long table becomes a valid `Panel` or a `DeepCausalError`.

Random long tables (random names and column order, auto-detected or explicitly mapped columns, missing cells,
wrong types, tiny or national panels, huge/negative/constant values, duplicate or off-grid dates, dates as
strings/ints/Timestamps, odd indexes, empty frames...) must either load into a consistent panel or be refused
with the project's own error and a message; never a pandas/numpy exception from deep inside, never a hang.
"""

import copy
import datetime as dt
import os
import tempfile
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from deepcausal_nb.config import DeepCausalError
from deepcausal_nb.data import Panel, load_panel, _as_list

PROPERTY = settings(
    deadline=2000,
    max_examples=150,
    derandomize=True,  # the same examples on every run (CI included)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CHANNELS = ['tv', 'radio', 'search', 'social', 'ooh', 'display']
AUTO_REGION = ['region', 'geo', 'DMA', 'market_id', 'Store']
AUTO_TIME = ['date', 'Week', 'week_start', 'DS']
AUTO_TARGET = ['sales', 'revenue', 'kpi_visits', 'Conversions', 'y']
AUTO_MEDIA = ['_impressions', '_I', '_grps', '_clicks']
AUTO_SPEND = ['_spend', '_cost', '_S']
AUTO_CONTROLS = ['price', 'promo', 'competitor_sales', 'holiday_flag', 'control_x', 'event_C']
TIME_KINDS = ['timestamp', 'iso', 'us', 'int', 'date', 'pydatetime', 'tz', 'yyyymmdd']
REGION_KINDS = ['str', 'int', 'float', 'category']

# column names for explicit mappings: any text (unicode, spaces, punctuation) or integers
free_names = st.one_of(
    st.text(st.characters(codec='utf-8', exclude_categories=['Cs', 'Cc']), min_size=1, max_size=6), st.integers(-3, 99)
)
# media names get a `<name>_spend` twin, so keep them free of channel markers (spend, cost, impressions, _I ...)
media_names = st.text('abxyz019 .', min_size=1, max_size=5).filter(lambda s: s.strip(' ._'))


def _key(c):
    return str(c).strip().lower()


# ---------------------------------------------------------------------------------------------------------------
# a clean table, then 0-4 corruptions


def _times(kind, weeks, start):
    "Week values in the representation `kind`."
    ts = [start + pd.Timedelta(weeks=int(w)) for w in weeks]
    if kind == 'timestamp':
        return pd.Series(pd.DatetimeIndex(ts))
    if kind == 'iso':
        return pd.Series([t.strftime('%Y-%m-%d') for t in ts], dtype=object)
    if kind == 'us':
        return pd.Series([t.strftime('%m/%d/%Y') for t in ts], dtype=object)
    if kind == 'int':
        return pd.Series(np.asarray(weeks, dtype=np.int64) + 1)
    if kind == 'date':
        return pd.Series([t.date() for t in ts], dtype=object)
    if kind == 'pydatetime':
        return pd.Series([t.to_pydatetime() for t in ts], dtype=object)
    if kind == 'tz':
        return pd.Series(pd.DatetimeIndex(ts).tz_localize('Europe/Berlin'))
    if kind == 'yyyymmdd':
        return pd.Series([int(t.strftime('%Y%m%d')) for t in ts])
    raise AssertionError(kind)


def _regions(kind, n):
    if kind == 'str':
        return ['north', 'south', 'east'][:n]
    if kind == 'int':
        return [501, 7, 42][:n]
    if kind == 'float':
        return [1.0, 2.0, 3.5][:n]
    if kind == 'category':
        return ['north', 'south', 'east'][:n]
    raise AssertionError(kind)


def _single(df, col):
    "True when `col` names exactly one column of `df` (corruptions may have dropped or duplicated it)."
    return col is not None and (df.columns == col).sum() == 1


def _set_cells(df, col, rows, value):
    "Put `value` (possibly of another type) into `rows` of `col`, via an object column."
    if not _single(df, col):
        return
    s = df[col].astype(object).copy()
    for i in rows:
        s.iloc[i] = value
    df[col] = s


@st.composite
def clean_tables(draw, explicit=None):
    "(DataFrame, load_panel kwargs, roles): a valid long table with auto-detectable or random names."
    explicit = draw(st.booleans()) if explicit is None else explicit
    n_regions = draw(st.integers(0, 3))  # 0: no region column (national panel)
    n_weeks = draw(st.integers(1, 9))
    n_ch = draw(st.integers(1, 3))
    n_ctrl = draw(st.integers(0, 2))
    has_spend = draw(st.lists(st.booleans(), min_size=n_ch, max_size=n_ch))
    spend_only = [s and not explicit and draw(st.booleans()) for s in has_spend]  # a channel known by its spend only
    n_text = draw(st.integers(0, 1))
    time_kind = draw(st.sampled_from(TIME_KINDS))
    region_kind = draw(st.sampled_from(REGION_KINDS))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)

    if explicit:
        n_free = 3 + n_ctrl + n_text
        free = draw(st.lists(free_names, min_size=n_free, max_size=n_free, unique_by=_key))
        stems = draw(st.lists(media_names, min_size=n_ch, max_size=n_ch, unique_by=_key))
        region, time, target, ctrls, texts = free[0], free[1], free[2], free[3 : 3 + n_ctrl], free[3 + n_ctrl :]
        media = list(stems)
        spend = [f'{m}_spend' if s else None for m, s in zip(stems, has_spend)]
        assume(len({_key(c) for c in free + media + [s for s in spend if s]}) == n_free + n_ch + sum(has_spend))
    else:
        region = draw(st.sampled_from(AUTO_REGION))
        time = draw(st.sampled_from(AUTO_TIME))
        target = draw(st.sampled_from(AUTO_TARGET))
        chans = draw(st.lists(st.sampled_from(CHANNELS), min_size=n_ch, max_size=n_ch, unique=True))
        msfx = draw(st.lists(st.sampled_from(AUTO_MEDIA), min_size=n_ch, max_size=n_ch))
        ssfx = draw(st.lists(st.sampled_from(AUTO_SPEND), min_size=n_ch, max_size=n_ch))
        media = [c + s if not so else None for c, s, so in zip(chans, msfx, spend_only)]
        spend = [c + s if h else None for c, s, h in zip(chans, ssfx, has_spend)]
        ctrls = draw(st.lists(st.sampled_from(AUTO_CONTROLS), min_size=n_ctrl, max_size=n_ctrl, unique=True))
        texts = ['notes'] * n_text

    start = pd.Timestamp('2024-01-01') + pd.Timedelta(days=draw(st.integers(0, 6)))
    labels = _regions(region_kind, max(n_regions, 1))
    rows_region = np.repeat(labels, n_weeks)
    rows_week = np.tile(np.arange(n_weeks), len(labels))
    n = len(rows_week)
    cols = {}
    if n_regions:
        cols[region] = pd.Series(rows_region, dtype='category' if region_kind == 'category' else None)
    cols[time] = _times(time_kind, rows_week, start)
    cols[target] = rng.uniform(1, 1000, n)
    for m, s in zip(media, spend):
        act = rng.uniform(0, 100, n)
        if m is not None:
            cols[m] = act
        if s is not None:
            cols[s] = act * rng.uniform(0.5, 3)
    for c in ctrls:
        cols[c] = rng.normal(size=n)
    for c in texts:
        cols[c] = rng.choice(['a', 'b c', ''], n)
    df = pd.DataFrame({k: pd.Series(v).reset_index(drop=True) for k, v in cols.items()})

    kw = {}
    if explicit:
        kw = dict(region=region if n_regions else '', time=time, target=target, controls=list(ctrls))
        kw['media'] = (
            media[0] if n_ch == 1 and draw(st.booleans()) else list(media)
        )  # one channel may be given as a str
        if any(has_spend) and draw(st.booleans()):
            kw['spend'] = [s for s in spend if s]
    roles = dict(
        region=region if n_regions else None,
        time=time,
        target=target,
        media=[m for m in media if m],
        spend=[s for s in spend if s],
        controls=list(ctrls),
        text=list(texts),
        time_kind=time_kind,
    )
    return df, kw, roles


def _numeric_cols(df, roles):
    return [c for c in [roles['target'], *roles['media'], *roles['spend'], *roles['controls']] if _single(df, c)]


CORRUPTIONS = [
    'nan_cell',
    'text_cell',
    'bool_column',
    'huge',
    'inf',
    'negative',
    'constant',
    'zero_column',
    'duplicate_row',
    'drop_rows',
    'all_nan_column',
    'text_column',
    'mixed_column',
    'nullable',
    'categorical',
    'duplicate_name',
    'offgrid_date',
    'mixed_region',
    'nan_region',
    'time_values',
    'drop_column',
    'index',
    'empty',
    'one_row',
    'big_ints',
    'int_names',
    'timestamp_cell',
    'string_numbers',
]


@st.composite
def tables(draw, explicit=None):
    "(DataFrame, kwargs): a clean table with a few random corruptions, rows and columns shuffled."
    df, kw, roles = draw(clean_tables(explicit))
    n = len(df)
    for what in draw(st.lists(st.sampled_from(CORRUPTIONS), max_size=4)):
        n = len(df)
        if n == 0 or df.shape[1] == 0:
            break
        num = _numeric_cols(df, roles)
        col = draw(st.sampled_from([c for c in df.columns if _single(df, c)] or [None]))
        ncol = draw(st.sampled_from(num)) if num else col
        if col is None:
            break
        rows = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True))
        if what == 'nan_cell':
            _set_cells(df, col, rows, draw(st.sampled_from([np.nan, None, pd.NA, pd.NaT])))
        elif what == 'text_cell':
            _set_cells(df, col, rows, draw(st.sampled_from(['n.a.', '', ' 12 ', '1,000', 'inf', '-', 'True'])))
        elif what == 'bool_column':
            df[ncol] = np.resize([True, False, True], n)
        elif what == 'huge':
            _set_cells(df, ncol, rows, draw(st.sampled_from([1e15, 1e300, 10**15, 2**63 - 1, 2**70, -1e15])))
        elif what == 'inf':
            _set_cells(df, ncol, rows, draw(st.sampled_from([np.inf, -np.inf])))
        elif what == 'negative':
            _set_cells(df, ncol, rows, -1.5)
        elif what == 'constant':
            df[ncol] = 3.0
        elif what == 'zero_column':
            df[ncol] = 0.0
        elif what == 'duplicate_row':
            df = pd.concat([df, df.iloc[rows]], ignore_index=True)
        elif what == 'drop_rows':
            df = df.drop(index=df.index[rows])
        elif what == 'all_nan_column':
            df[draw(st.sampled_from(['price', 'extra', 'tv_impressions', 'notes2']))] = np.nan
        elif what == 'text_column':
            df[draw(st.sampled_from(['comment', 'promo', 'brand']))] = np.resize(['x', 'y z'], n)
        elif what == 'mixed_column':
            df[ncol] = pd.Series(
                np.resize(
                    draw(
                        st.sampled_from(
                            [[1, 'a', True, None], [1, 2.5, True], ['1', 2, 3.0], [dt.date(2024, 1, 1), 2], [b'1', 2]]
                        )
                    ),
                    n,
                ),
                dtype=object,
            ).to_numpy()
        elif what == 'nullable':
            s = df[ncol]
            if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
                s = s.astype('Float64')
                s.iloc[rows[0]] = pd.NA if draw(st.booleans()) else s.iloc[rows[0]]
                df[ncol] = s.round().astype('Int64') if draw(st.booleans()) and s.notna().all() else s
        elif what == 'categorical':
            df[col] = df[col].astype('category')
        elif what == 'duplicate_name':
            if df.shape[1] >= 2:
                i, j = draw(st.lists(st.integers(0, df.shape[1] - 1), min_size=2, max_size=2, unique=True))
                names = list(df.columns)
                names[j] = names[i]
                df.columns = names
        elif what == 'offgrid_date':
            _set_cells(
                df,
                roles['time'],
                rows[:1],
                draw(st.sampled_from(['2024-01-03', '2023-12-31 12:00', '1999-01-01', 20240102])),
            )
        elif what == 'mixed_region':
            _set_cells(df, roles['region'], rows, draw(st.sampled_from([1, 'x', 2.5, True])))
        elif what == 'nan_region':
            _set_cells(df, roles['region'], rows, None)
        elif what == 'time_values' and _single(df, roles['time']):
            df[roles['time']] = draw(
                st.sampled_from(
                    [
                        np.resize([True, False], n),
                        np.resize([0.5, 1.5], n),
                        np.arange(n) * 10**12,
                        np.resize([0, 10**9], n),
                        np.resize([np.inf, 1.0], n),
                        np.resize(['2024-W01', 'x'], n),
                        pd.to_timedelta(np.arange(n), unit='D'),
                        np.resize([pd.Timestamp('2024-01-01', tz='UTC'), pd.Timestamp('2024-01-08')], n),
                        np.resize(['2024-01-01T00:00+01:00', '2024-01-08T00:00+05:00'], n),
                        np.arange(n) - 5,
                        np.resize([1e300, 1.0], n),
                        np.resize(['1', '2', '3'], n),
                        np.resize(['202401', '202402'], n),
                        np.resize([dt.datetime(1, 1, 1), dt.datetime(9999, 1, 1)], n),
                        np.resize([1677, 2262], n).astype(str),
                        pd.Series(np.arange(n)).astype('Int64').to_numpy(),
                        np.resize([2**63 - 1, -(2**63)], n),
                    ]
                )
            )
        elif what == 'drop_column':
            df = df.drop(columns=[col])
        elif what == 'index':
            df.index = draw(
                st.sampled_from(
                    [
                        np.zeros(n, dtype=int),
                        np.arange(n)[::-1] * 3,
                        [f'r{i}' for i in range(n)],
                        pd.date_range('2020-01-01', periods=n),
                        pd.MultiIndex.from_arrays([np.arange(n), np.arange(n)]),
                    ]
                )
            )
        elif what == 'empty':
            df = draw(st.sampled_from([df.iloc[:0], df.iloc[:, :0], pd.DataFrame()]))
        elif what == 'one_row':
            df = df.iloc[rows[:1]]
        elif what == 'big_ints':
            df[ncol] = np.resize([2**62, 0, 12345678901234567], n).astype(np.int64)
        elif what == 'int_names':
            df.columns = range(df.shape[1])
        elif what == 'timestamp_cell':
            _set_cells(df, ncol, rows[:1], pd.Timestamp('2024-01-01'))
        elif what == 'string_numbers':
            df[ncol] = df[ncol].astype(str)
    # random row and column order
    order = draw(st.permutations(range(len(df))))
    corder = draw(st.permutations(range(df.shape[1])))
    df = df.iloc[list(order), list(corder)]
    kw['holdout_weeks'] = draw(st.one_of(st.none(), st.integers(-1, 10)))
    kw['missing_weeks'] = draw(st.sampled_from(['mask', 'error', None]))
    return df, kw


# ---------------------------------------------------------------------------------------------------------------
# checks


def _floats(s):
    "A column's values as floats, however they were typed (bool, object, nullable, categorical)."
    return pd.to_numeric(pd.Series(np.asarray(s, dtype=object)), errors='coerce').astype('float64').to_numpy()


def load_or_refuse(df, **kw):
    "`load_panel`'s result, or None when it raised a `DeepCausalError` with a message; any other exception fails."
    try:
        return load_panel(df, **kw)
    except DeepCausalError as e:
        assert str(e).strip(), f'{type(e).__name__} without a message'
        return None


def check_panel(p: Panel, df: pd.DataFrame):
    "Everything a model may rely on."
    R, T = p.kpi.shape
    C = len(p.channels)
    assert R >= 1 and T >= 1 and C >= 1
    assert p.mask.shape == (R, T) and p.mask.dtype == bool
    assert (
        p.media.shape == (R, T, C) and p.controls.shape[:2] == (R, T) and p.controls.shape[2] == len(p.columns.controls)
    )
    if p.spend is not None:
        assert p.spend.shape == (R, T, C)
    for a in (p.kpi, p.media, p.controls):
        assert a.dtype == np.float64 and np.isfinite(a).all()
    assert (p.media >= 0).all()
    assert len(p.regions) == R and len(set(p.regions)) == R and all(isinstance(r, str) for r in p.regions)
    assert len(p.times) == T and p.times.is_monotonic_increasing and p.times.is_unique
    # observed cells are exactly the input rows, with the input values; unobserved cells are zero
    assert int(p.mask.sum()) == len(df)
    assert (p.kpi[~p.mask] == 0).all() and (p.media[~p.mask] == 0).all() and (p.controls[~p.mask] == 0).all()
    np.testing.assert_allclose(np.sort(p.kpi[p.mask]), np.sort(_floats(df[p.columns.target])), rtol=1e-12)
    for j, c in enumerate(p.channels):
        np.testing.assert_allclose(np.sort(p.media[..., j][p.mask]), np.sort(_floats(df[c])), rtol=1e-12)
    assert p.mask[:, 0].any() and p.mask[:, -1].any()  # the grid spans exactly the observed weeks
    p.summary()  # and describes itself without failing


def _frames_equal(a, b):
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.columns) == list(b.columns) and a.index.equals(b.index)
    assert (a.dtypes.astype(str) == b.dtypes.astype(str)).all()


# ---------------------------------------------------------------------------------------------------------------
# properties


@PROPERTY
@given(tables())
def test_any_table_loads_or_is_refused_clearly(case):
    df, kw = case
    p = load_or_refuse(df, **kw)
    if p is not None:
        check_panel(p, df)


@PROPERTY
@given(tables(explicit=True))
def test_explicitly_mapped_tables_load_or_are_refused_clearly(case):
    df, kw = case
    p = load_or_refuse(df, **kw)
    if p is not None:
        check_panel(p, df)


@settings(PROPERTY, max_examples=60)
@given(tables())
def test_the_input_frame_is_never_modified(case):
    df, kw = case
    before = copy.deepcopy(df)
    load_or_refuse(df, **kw)
    _frames_equal(df, before)


def _by_name(p, arr, names):
    return {n: arr[..., j] for j, n in enumerate(names)}


def _assert_same_panel(p1, p2, same_order):
    for a in ('kpi', 'mask'):
        np.testing.assert_array_equal(getattr(p1, a), getattr(p2, a))
    assert p1.regions == p2.regions and p1.times.equals(p2.times)
    if same_order:
        assert p1.channels == p2.channels and p1.columns.controls == p2.columns.controls
        np.testing.assert_array_equal(p1.media, p2.media)
        np.testing.assert_array_equal(p1.controls, p2.controls)
        if p1.spend is None:
            assert p2.spend is None
        else:
            np.testing.assert_array_equal(p1.spend, p2.spend)
    else:  # detected channels/controls follow the file's column order: compare them by name
        assert sorted(map(str, p1.channels)) == sorted(map(str, p2.channels))
        m1, m2 = _by_name(p1, p1.media, p1.channels), _by_name(p2, p2.media, p2.channels)
        for c in m1:
            np.testing.assert_array_equal(m1[c], m2[c])
        c1, c2 = _by_name(p1, p1.controls, p1.columns.controls), _by_name(p2, p2.controls, p2.columns.controls)
        assert c1.keys() == c2.keys()
        for c in c1:
            np.testing.assert_array_equal(c1[c], c2[c])
        assert (p1.spend is None) == (p2.spend is None)
        if p1.spend is not None:
            s1, s2 = _by_name(p1, p1.spend, p1.channels), _by_name(p2, p2.spend, p2.channels)
            for c in s1:
                np.testing.assert_array_equal(s1[c], s2[c])


@settings(PROPERTY, max_examples=80)
@given(tables(), st.data())
def test_row_and_column_order_do_not_matter(case, data):
    df, kw = case
    rows = data.draw(st.permutations(range(len(df))), label='row order')
    cols = data.draw(st.permutations(range(df.shape[1])), label='column order')
    shuffled = df.iloc[list(rows), list(cols)]
    p1, p2 = load_or_refuse(df, **kw), load_or_refuse(shuffled, **kw)
    assert (p1 is None) == (p2 is None), 'the same table loads in one order and is refused in another'
    if p1 is not None:
        _assert_same_panel(p1, p2, same_order='media' in kw)


@settings(PROPERTY, max_examples=40)
@given(clean_tables(), st.integers(0, 4))
def test_clean_tables_load(case, holdout_weeks):
    "A valid table with enough weeks always loads (detection finds every role), however its columns are named."
    df, kw, roles = case
    assume(roles['time_kind'] != 'yyyymmdd')  # 20240101 is read as a week id, not a date (see the loader's MAX_WEEKS)
    n_weeks = df[roles['time']].nunique()
    kw['holdout_weeks'] = holdout_weeks
    p = load_or_refuse(df, **kw)
    if n_weeks - holdout_weeks < 4:
        assert p is None
        return
    media, spend = (_as_list(kw.get(k)) or [] for k in ('media', 'spend'))
    if media and spend and len(spend) != len(media):
        assert p is None, (
            'explicit --media and --spend of different lengths must be refused (which media has no spend?)'
        )
        return
    assert p is not None, 'a clean table was refused'
    check_panel(p, df)
    assert (
        p.columns.target == roles['target'] and p.columns.region == roles['region'] and p.columns.time == roles['time']
    )
    assert sorted(map(str, p.columns.controls)) == sorted(map(str, roles['controls']))
    assert len(p.channels) == len(roles['media']) + sum(_spend_only(s, roles) for s in roles['spend'])


def _spend_only(spend_col, roles):
    "True when no media column shares `spend_col`'s channel (the spend is then the channel's activity)."
    return not any(str(m).split('_')[0] == str(spend_col).split('_')[0] for m in roles['media'])


@settings(PROPERTY, max_examples=40)
@given(tables())
def test_csv_files_load_or_are_refused_clearly(case):
    "The same through a CSV file: messages then speak of file lines."
    df, kw = case
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'panel.csv')
        df.to_csv(path, index=False)
        try:
            p = load_panel(path, **kw)
        except DeepCausalError as e:
            assert str(e).strip()
            return
        assert p.n_weeks >= 1 and np.isfinite(p.kpi).all() and np.isfinite(p.media).all() and (p.media >= 0).all()
        assert p.mask.shape == p.kpi.shape and int(p.mask.sum()) == len(pd.read_csv(path))


odd_holdouts = st.one_of(
    st.integers(-3, 12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=3),
    st.just(np.int64(2)),
    st.just(np.float32(3)),
    st.none(),
)
odd_sources = st.sampled_from(
    [None, 5, 2.5, [1, 2], {'sales': [1.0]}, pd.Series([1.0, 2.0]), b'x', object(), '/nonexistent/panel.csv', '/', '']
)


@settings(PROPERTY, max_examples=60)
@given(clean_tables(), odd_holdouts, st.sampled_from(['mask', 'error', None, 'drop', '', 1]))
def test_odd_arguments_are_refused_clearly(case, holdout_weeks, missing_weeks):
    "Whatever holdout_weeks/missing_weeks a caller passes: a panel or a `DeepCausalError`."
    df, kw, roles = case
    p = load_or_refuse(df, **kw, holdout_weeks=holdout_weeks, missing_weeks=missing_weeks)
    if p is not None:
        check_panel(p, df)


@settings(PROPERTY, max_examples=30)
@given(odd_sources)
def test_odd_sources_are_refused_clearly(source):
    assert load_or_refuse(source) is None


@settings(PROPERTY, max_examples=60)
@given(
    clean_tables(explicit=True),
    st.sampled_from(['region', 'time', 'target', 'media', 'spend', 'controls']),
    st.sampled_from(['list', 'tuple', 'missing', 'int', 'empty', 'duplicate', 'none_in_list']),
)
def test_odd_mappings_are_refused_clearly(case, role, how):
    "One name where a list is expected and vice versa, names not in the table, and so on."
    df, kw, roles = case
    v = kw.get(role) if kw.get(role) not in (None, '') else (roles['target'] if role in ('media', 'controls') else None)
    if how == 'list':
        kw[role] = [v] if not isinstance(v, list) else v
    elif how == 'tuple':
        kw[role] = tuple(v) if isinstance(v, list) else (v,)
    elif how == 'missing':
        kw[role] = 'no such column'
    elif how == 'int':
        kw[role] = 12345
    elif how == 'empty':
        kw[role] = [] if isinstance(v, list) else ''
    elif how == 'duplicate':
        kw[role] = (v if isinstance(v, list) else [v]) * 2
    elif how == 'none_in_list':
        kw[role] = [None]
    p = load_or_refuse(df, **kw)
    if p is not None:
        check_panel(p, df)
