# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# table.awk - the one table formatter of every benchmark: raw per-round
# records in, a reStructuredText table out.
#
# Input lines (tab-separated; every other line is ignored, so a VM's
# console output can be piped in as it is):
#   rec  CASE  ROUND  PEER  VALUE   one measurement
#   note TEXT                       a line of the table's caption
#   row  CASE                       a row, placed here before any record
#                                   of it (to order rows from several runs)
# A PEER named "S@P" is the subject S measured in the process of peer P
# (a peer that cannot share a process with S): the ratio S/P of a round
# then uses it instead of S.
#
# Output: a row per CASE (in the order first seen), a column per PEER
# with the median of its rounds, then for each peer in "ratios" a column
# "SUBJECT/PEER" with the median of the per-round ratios and, in
# brackets, the lowest and the highest of them.
#
# Variables (awk -v):
#   subject  the peer divided by the others (default: the first peer)
#   peers    the value columns, in order (default: as first seen; "none")
#   ratios   the peers to divide by (default: all but subject; "none")
#   scale    factor applied to every value (1)
#   range    non-empty: a value cell also shows the lowest and the highest
#            round, "median (min..max)"
#   vfmt     printf format of a value ("%.1f"); rfmt of a ratio ("%.2f")
#   head     the title of the case column ("case")
#   indent   spaces before every table line (3, under ".. table::")

function median(a, n,	i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function add_peer(p) {
	if (!(p in peer_seen)) {
		peer_seen[p] = 1
		peer_order[++npeer] = p
	}
}

BEGIN {
	FS = "\t"
	if (scale == "") scale = 1
	if (vfmt == "") vfmt = "%.1f"
	if (rfmt == "") rfmt = "%.2f"
	if (head == "") head = "case"
	if (indent == "") indent = 3
}

{ sub(/\r$/, "") }	# a serial console's line ends
function add_case(c) {
	if (!(c in case_seen)) {
		case_seen[c] = 1
		case_order[++ncase] = c
	}
}

$1 == "note" { note[++nnote] = $2; next }
$1 == "row" { add_case($2); next }
$1 != "rec" || NF != 5 { next }
{
	add_case($2)
	if (!($3 in round_seen)) {
		round_seen[$3] = 1
		round_order[++nround] = $3
	}
	if ($4 !~ /@/)
		add_peer($4)
	val[$2, $3, $4] = $5
	have[$2, $3, $4] = 1
}

# The cell of a value column: the median over the rounds, "-" if none;
# with range, then (lowest..highest).
function value_cell(c, p,	r, n, a, m) {
	n = 0
	for (r = 1; r <= nround; r++)
		if (have[c, round_order[r], p])
			a[++n] = val[c, round_order[r], p]
	if (!n)
		return "-"
	m = median(a, n)	# sorts a
	if (range == "" || n == 1)
		return sprintf(vfmt, m * scale)
	return sprintf(vfmt " (" vfmt ".." vfmt ")", m * scale, a[1] * scale,
		       a[n] * scale)
}

# The cell of a ratio column: median [lowest, highest] of the rounds.
function ratio_cell(c, p,	r, k, n, a, lo, hi, num, m) {
	n = 0
	for (r = 1; r <= nround; r++) {
		k = round_order[r]
		num = subject "@" p
		if (!have[c, k, num])
			num = subject
		if (have[c, k, num] && have[c, k, p] && val[c, k, p] > 0)
			a[++n] = val[c, k, num] / val[c, k, p]
	}
	if (!n)
		return "-"
	m = median(a, n)
	lo = a[1]; hi = a[n]	# median() sorted them
	if (n == 1)
		return sprintf(rfmt, m)
	return sprintf(rfmt " [" rfmt ", " rfmt "]", m, lo, hi)
}

function line(cells, ncol, right,	i, s, w) {
	s = sprintf("%*s", indent, "")
	for (i = 1; i <= ncol; i++) {
		w = width[i]
		if (i == 1 || !right)
			s = s sprintf("%-*s", w, cells[i])
		else
			s = s sprintf("%*s", w, cells[i])
		if (i < ncol)
			s = s "  "
	}
	sub(/ +$/, "", s)
	print s
}

function rule(ncol,	i, c) {
	for (i = 1; i <= ncol; i++)
		c[i] = sprintf("%*s", width[i], "")
	for (i = 1; i <= ncol; i++)
		gsub(/ /, "=", c[i])
	line(c, ncol, 0)
}

END {
	if (subject == "")
		subject = peer_order[1]
	ncolp = 0
	if (peers == "")
		for (i = 1; i <= npeer; i++)
			col_peer[++ncolp] = peer_order[i]
	else if (peers != "none")
		ncolp = split(peers, col_peer, " ")
	nrat = 0
	if (ratios == "") {
		for (i = 1; i <= npeer; i++)
			if (peer_order[i] != subject)
				rat_peer[++nrat] = peer_order[i]
	} else if (ratios != "none") {
		nrat = split(ratios, rat_peer, " ")
	}
	ncol = 1 + ncolp + nrat

	cell[0, 1] = head
	for (i = 1; i <= ncolp; i++)
		cell[0, 1 + i] = col_peer[i]
	for (i = 1; i <= nrat; i++)
		cell[0, 1 + ncolp + i] = subject "/" rat_peer[i]
	for (k = 1; k <= ncase; k++) {
		c = case_order[k]
		cell[k, 1] = c
		for (i = 1; i <= ncolp; i++)
			cell[k, 1 + i] = value_cell(c, col_peer[i])
		for (i = 1; i <= nrat; i++)
			cell[k, 1 + ncolp + i] = ratio_cell(c, rat_peer[i])
	}
	for (i = 1; i <= ncol; i++)
		for (k = 0; k <= ncase; k++)
			if (length(cell[k, i]) > width[i])
				width[i] = length(cell[k, i])

	if (nnote) {
		printf ".. table:: %s\n", note[1]
		for (i = 2; i <= nnote; i++)
			printf "%*s%s\n", indent, "", note[i]
		print ""
	}
	rule(ncol)
	for (i = 1; i <= ncol; i++)
		row[i] = cell[0, i]
	line(row, ncol, 1)
	rule(ncol)
	for (k = 1; k <= ncase; k++) {
		for (i = 1; i <= ncol; i++)
			row[i] = cell[k, i]
		line(row, ncol, 1)
	}
	rule(ncol)
}
