-- Forecasts are events now: each refresh records an AttendanceForecasted per session on the
-- event's forecast-<eventId> stream, and the `forecasts` projection builds the read model
-- (rm_forecasts) from them, rebuildable like any other. The table the refresh used to
-- overwrite goes: what it held was only ever the latest forecast, which the next refresh
-- records again.
DROP TABLE rollcall.attendance_forecasts;
