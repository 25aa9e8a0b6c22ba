// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * handover.cc - the installed library from C++11: check-install.sh builds
 * it with g++ and clang++ against libwell.a and libwell.so and runs it.
 *
 * The geometry well_params() (compiled C) writes is read back through the
 * C++ view of the structures, so both languages agree on the layout; then
 * blocks go SPSC (sides declared with well_set_single()) and MPMC (three
 * std::threads a side, well_reserve() and well_release_multi()), each item
 * checked and counted exactly once; ffma_mem_alloc() objects travel
 * inside the blocks and are freed by the consumer. Exit 0, else 1.
 */
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <type_traits>
#include <vector>

#include <ffma.h>
#include <well.h>
#include <well/dev.h>

static_assert(std::is_standard_layout<struct well>::value,
	      "struct well is standard layout in C++");
static_assert(std::is_trivially_copyable<struct well>::value,
	      "struct well copies like a C structure");
static_assert(alignof(struct well) == WELL_LINE, "well is line-aligned");

namespace {

const uint64_t items = 30000;

struct block {
	uint64_t seq;
	uint64_t check;
	uint64_t *obj;	// an ffma_mem object holding seq
};

struct run {
	struct well w;
	unsigned producers;
	unsigned consumers;
	std::atomic<uint64_t> consumed{0};
	std::atomic<unsigned> bad{0};
	std::vector<unsigned char> seen;
};

void release(struct well_side *to, size_t n, size_t pos, bool multi)
{
	if (!multi) {
		well_release_single(to, n);
		return;
	}
	while (!well_release_multi(to, n, pos))
		std::this_thread::yield();
}

void produce(run &r, unsigned id)
{
	bool multi = r.producers > 1;
	uint64_t seq = id;
	size_t pos, n;

	while (seq < items) {
		n = well_reserve(&r.w.tx, &pos, 8);
		if (!n) {
			std::this_thread::yield();
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			block *b = WELL_DEREF(block, pos, i, &r.w);

			b->seq = seq < items ? seq : UINT64_MAX;
			b->check = ~b->seq;
			b->obj = nullptr;
			if (seq < items) {
				b->obj = static_cast<uint64_t *>(
					ffma_mem_alloc(sizeof(uint64_t)));
				if (b->obj)
					*b->obj = seq;
				seq += r.producers;
			}
		}
		release(&r.w.rx, n, pos, multi);
	}
	ffma_mem_reclaim();
}

void consume(run &r)
{
	bool multi = r.consumers > 1;
	size_t pos, n;

	while (r.consumed.load(std::memory_order_relaxed) < items) {
		n = well_reserve(&r.w.rx, &pos, 8);
		if (!n) {
			std::this_thread::yield();
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			const block *b = WELL_DEREF(block, pos, i, &r.w);

			if (b->seq == UINT64_MAX)
				continue;
			if (b->check != ~b->seq || b->seq >= items ||
			    !b->obj || *b->obj != b->seq) {
				r.bad++;
				continue;
			}
			r.seen[b->seq]++;
			ffma_mem_free(b->obj);
			r.consumed++;
		}
		release(&r.w.tx, n, pos, multi);
	}
}

int run_one(unsigned producers, unsigned consumers)
{
	run r;
	unsigned lost = 0, twice = 0;

	r.producers = producers;
	r.consumers = consumers;
	r.seen.assign(items, 0);
	if (well_params(sizeof(block), 64, &r.w))
		return 1;
	void *mem = std::malloc(well_size(&r.w));
	if (!mem || well_init(&r.w, mem))
		return 1;
	if (producers == 1)
		well_set_single(&r.w.tx);
	if (consumers == 1)
		well_set_single(&r.w.rx);

	std::vector<std::thread> threads;
	for (unsigned i = 0; i < consumers; i++)
		threads.emplace_back(consume, std::ref(r));
	for (unsigned i = 0; i < producers; i++)
		threads.emplace_back(produce, std::ref(r), i);
	for (auto &t : threads)
		t.join();
	for (uint64_t i = 0; i < items; i++) {
		lost += !r.seen[i];
		twice += r.seen[i] > 1;
	}
	std::printf("C++ %u producers, %u consumers: %llu items, %u lost, %u twice, %u bad\n",
		    producers, consumers,
		    static_cast<unsigned long long>(r.consumed.load()), lost,
		    twice, r.bad.load());
	well_deinit(&r.w);
	std::free(mem);
	return lost || twice || r.bad;
}

// What C wrote, read through C++'s layout of the same structure.
int geometry()
{
	struct well w;

	std::memset(&w, 0x5a, sizeof(w));
	if (well_params(24, 100, &w) || w.blk_size != 32 ||
	    w.blk_count != 128 || w.blk_mask != 127 || w.blk_shift != 5 ||
	    w.mem != nullptr || well_blk_size(&w) != 32 ||
	    well_blk_count(&w) != 128 || well_size(&w) != 32 * 128) {
		std::printf("C++ geometry differs from C's\n");
		return 1;
	}
	struct well copy = w;	// trivially copyable: geometry copies
	return copy.blk_shift != 5;
}

} // namespace

int main()
{
	int failed = geometry();

	failed |= run_one(1, 1);
	failed |= run_one(3, 3);
	return failed;
}
