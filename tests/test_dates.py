import datetime as dt

from wfikb import dates

D = dt.date


def test_a_person_attains_an_age_on_the_anniversary_of_their_birth():
    assert dates.completed_years(D(2015, 1, 10), D(2017, 1, 9)) == 1
    assert dates.completed_years(D(2015, 1, 10), D(2017, 1, 10)) == 2


def test_a_29_february_birthday_counts_from_1_march_in_common_years():
    assert dates.completed_years(D(2016, 2, 29), D(2017, 2, 28)) == 0
    assert dates.completed_years(D(2016, 2, 29), D(2017, 3, 1)) == 1
    assert dates.completed_years(D(2016, 2, 29), D(2020, 2, 29)) == 4


def test_months_since_counts_completed_calendar_months_and_the_days_beyond():
    assert dates.completed_months(D(2024, 3, 3), D(2025, 3, 3)) == (12, 0)
    assert dates.completed_months(D(2024, 3, 3), D(2025, 3, 2)) == (11, 27)
    assert dates.completed_months(D(2024, 3, 3), D(2025, 3, 4)) == (12, 1)


def test_monthly_anniversaries_past_the_month_end_clamp_to_its_last_day():
    assert dates.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert dates.completed_months(D(2025, 1, 31), D(2025, 2, 28)) == (1, 0)


def test_weekday_counts_from_sunday():
    assert dates.weekday_sunday0(D(2025, 5, 18)) == 0   # a Sunday
    assert dates.weekday_sunday0(D(2025, 5, 21)) == 3


def test_dates_become_ordered_integers():
    assert dates.as_int(D(2013, 9, 2)) == 20130902
    assert dates.from_int(20130902) == D(2013, 9, 2)
