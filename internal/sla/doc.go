// Package sla computes the deadlines of Otklik: when a first reaction and a
// final answer are due, how much of a deadline is used, and whether a warning
// (75 %) or a breach is due. It is pure: no I/O, no clocks; callers pass the
// instants.
//
// A Calendar describes a region: its time zone, whether clocks run in calendar
// hours or in working hours, the working day (09:00–18:00, lunch 13:00–14:00),
// the working weekdays and the production calendar (Russian public holidays,
// days off moved by Government decrees, transferred working Saturdays and
// pre-holiday short days). Russian builds the usual calendar of a Russian
// regional body; ParseConfig builds one from a region's JSON settings.
//
// Every returned instant is in UTC, ready for storage. Working-time arithmetic
// walks day by day, so its cost grows with the number of days spanned, never
// with minutes.
package sla
