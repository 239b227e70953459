# Input of the trace "perl": text processing in Perl, deterministic (its own generator, sorted hash keys).
use strict; use warnings;
my $seed = 42;
sub rnd { $seed = ($seed * 1103515245 + 12345) % 2147483648; return $seed / 2147483648; }
my @letters = ('a' .. 'z');
my @words = map { join '', map { $letters[int(rnd() * 26)] } 1 .. (2 + int(rnd() * 10)) } 1 .. 4000;
my %count; my %index; my @lines;
for my $n (1 .. 12000) {
    my $line = join ' ', map { $words[int(rnd() * @words)] } 1 .. (3 + int(rnd() * 14));
    push @lines, $line;
    for my $w (split / /, $line) { $count{$w}++; push @{ $index{substr($w, 0, 2)} }, $n; }
}
my $text = '';
for my $line (@lines) { (my $l = $line) =~ s/(\w+) (\w+)/$2 $1/g; $text .= uc($l) . "\n"; }
my @sorted = sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count;
my %lengths; $lengths{length $_} .= "$_," for @sorted;
my $json = join ',', map { sprintf '"%s":[%s]', $_, join ',', @{ $index{$_} }[0 .. ($#{ $index{$_} } < 20 ? $#{ $index{$_} } : 20)] } sort keys %index;
my @matches = ($text =~ /\b([A-Z]{4,})\b/g);
printf "%d %d %d %d %d %s\n", scalar @sorted, length $text, length $json, scalar @matches, scalar keys %lengths, $sorted[0];
