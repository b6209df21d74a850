"""On-call schedules: layers with rotations and restrictions, overrides, iCal feeds."""
