# Input of the trace "gawk": a text report built by string concatenation, over `seq 1 120000`.
# gawk grows a variable in place (realloc) on `v = v x`, so each accumulator below is a realloc chain:
# `line` (13 lines long), `page` (2000 lines), `csv` (1500 lines); substr and the counts make the
# short-lived strings around them.
{
    n = $1
    word = substr("alphabetagammadeltaepsilonzetaetathetaiotakappalambdamu", 1 + n % 40, 3 + n % 7)
    line = line word " "
    if (n % 13 == 0) { page = page toupper(line) "\n"; line = "" }
    if (n % 2000 == 0) { sizes = sizes length(page) ","; total += length(page); page = "" }
    csv = csv n ";" word ";"
    if (n % 1500 == 0) { total += length(csv); csv = "" }
    count[word]++
}
END {
    for (w in count) { distinct++ }
    print NR, distinct, total, length(sizes)
}
