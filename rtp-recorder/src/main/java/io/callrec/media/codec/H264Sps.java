package io.callrec.media.codec;

/**
 * The fields of an H.264 sequence parameter set (H.264 §7.3.2.1.1) that a container needs: profile and level for
 * the avcC header, chroma format and bit depths for its high-profile extension, and the displayed picture size
 * (coded size minus cropping).
 */
public record H264Sps(int profileIdc, int constraintFlags, int levelIdc, int chromaFormatIdc, int bitDepthLuma,
                      int bitDepthChroma, int width, int height) {

    /** Largest picture side accepted; the biggest H.264 level (6.2) tops out at 8192 × 4320. */
    static final int MAX_SIDE = 16384;

    /**
     * Parses the SPS NAL unit {@code nal[offset, offset + length)}, header byte included.
     *
     * @throws MalformedPayloadException if it is not an SPS, ends early, or describes an impossible picture
     */
    public static H264Sps parse(byte[] nal, int offset, int length) throws MalformedPayloadException {
        if (length < 4 || (nal[offset] & 0x1f) != 7) {
            throw new MalformedPayloadException("not an SPS NAL unit (" + length + " bytes, type "
                    + (length > 0 ? nal[offset] & 0x1f : -1) + ")");
        }
        RbspBitReader r = new RbspBitReader(nal, offset + 1, length - 1);
        int profileIdc = r.bits(8);
        int constraintFlags = r.bits(8);
        int levelIdc = r.bits(8);
        r.ue(); // seq_parameter_set_id
        int chromaFormatIdc = 1;
        boolean separateColourPlanes = false;
        int bitDepthLuma = 8;
        int bitDepthChroma = 8;
        if (hasChromaInfo(profileIdc)) {
            chromaFormatIdc = r.ue();
            if (chromaFormatIdc > 3) {
                throw new MalformedPayloadException("chroma_format_idc " + chromaFormatIdc + " > 3");
            }
            if (chromaFormatIdc == 3) {
                separateColourPlanes = r.flag();
            }
            bitDepthLuma = 8 + r.ue();
            bitDepthChroma = 8 + r.ue();
            r.bit(); // qpprime_y_zero_transform_bypass_flag
            if (r.flag()) { // seq_scaling_matrix_present_flag
                int lists = chromaFormatIdc != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.flag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int picOrderCntType = r.ue();
        if (picOrderCntType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (picOrderCntType == 1) {
            r.bit(); // delta_pic_order_always_zero_flag
            r.se(); // offset_for_non_ref_pic
            r.se(); // offset_for_top_to_bottom_field
            int cycle = r.ue();
            if (cycle > 255) {
                throw new MalformedPayloadException("num_ref_frames_in_pic_order_cnt_cycle " + cycle + " > 255");
            }
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        } else if (picOrderCntType != 2) {
            throw new MalformedPayloadException("pic_order_cnt_type " + picOrderCntType + " > 2");
        }
        r.ue(); // max_num_ref_frames
        r.bit(); // gaps_in_frame_num_value_allowed_flag
        int widthInMbs = r.ue() + 1;
        int heightInMapUnits = r.ue() + 1;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.bit(); // mb_adaptive_frame_field_flag
        }
        r.bit(); // direct_8x8_inference_flag
        long codedWidthLong = widthInMbs * 16L;
        // In long from the start: 2 × a huge map-unit count overflows int and would wrap into a small "valid" size.
        long codedHeightLong = (frameMbsOnly ? 1L : 2L) * heightInMapUnits * 16;
        if (codedWidthLong > MAX_SIDE || codedHeightLong > MAX_SIDE) {
            throw new MalformedPayloadException("coded size " + codedWidthLong + "x" + codedHeightLong + " beyond "
                    + MAX_SIDE);
        }
        int codedWidth = (int) codedWidthLong;
        int codedHeight = (int) codedHeightLong;
        int width = codedWidth;
        int height = codedHeight;
        if (r.flag()) { // frame_cropping_flag
            // §7.4.2.1.1: crop offsets count chroma samples (luma for monochrome / separate planes), doubled
            // vertically for field-coded streams.
            int chromaArrayType = separateColourPlanes ? 0 : chromaFormatIdc;
            int cropUnitX = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
            int cropUnitY = (chromaArrayType == 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
            long left = r.ue();
            long right = r.ue();
            long top = r.ue();
            long bottom = r.ue();
            long croppedWidth = codedWidth - cropUnitX * (left + right);
            long croppedHeight = codedHeight - cropUnitY * (top + bottom);
            if (croppedWidth <= 0 || croppedHeight <= 0) {
                throw new MalformedPayloadException("cropping " + left + "/" + right + "/" + top + "/" + bottom
                        + " leaves nothing of " + codedWidth + "x" + codedHeight);
            }
            width = (int) croppedWidth;
            height = (int) croppedHeight;
        }
        return new H264Sps(profileIdc, constraintFlags, levelIdc, chromaFormatIdc, bitDepthLuma, bitDepthChroma,
                width, height);
    }

    /** Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices (§7.3.2.1.1). */
    static boolean hasChromaInfo(int profileIdc) {
        switch (profileIdc) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135:
                return true;
            default:
                return false;
        }
    }

    /** scaling_list() (§7.3.2.1.1.1): only its length matters here, and that depends on the deltas read. */
    private static void skipScalingList(RbspBitReader r, int size) throws MalformedPayloadException {
        int lastScale = 8;
        int nextScale = 8;
        for (int j = 0; j < size; j++) {
            if (nextScale != 0) {
                int delta = r.se();
                nextScale = Math.floorMod(lastScale + delta, 256);
            }
            lastScale = nextScale == 0 ? lastScale : nextScale;
        }
    }
}
